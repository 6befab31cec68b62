/** Every example plan in examples/plans validates and renders in all three plan formats. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nova } from './helpers.js';

const root = join(import.meta.dirname, '..', '..', '..');
const plans = readdirSync(join(root, 'examples', 'plans')).map(
  (name) => `examples/plans/${name}/CASCADE.md`,
);

describe('example plans', { timeout: 120_000 }, () => {
  it('there are several, the demo plan among them', () => {
    expect(plans).toContain('examples/plans/todo-api/CASCADE.md');
    expect(plans.length).toBeGreaterThanOrEqual(3);
  });

  for (const plan of plans) {
    it(`${plan} is valid and plans in every format`, () => {
      const validate = nova(['validate', plan], root);
      expect(validate.stderr).toBe('');
      expect(validate.code).toBe(0);
      expect(validate.stdout).toMatch(/: valid: \d+ tasks/);
      expect(validate.stdout).not.toContain('warning');

      const json = nova(['plan', plan, '--json'], root);
      expect(json.code).toBe(0);
      const doc = JSON.parse(json.stdout);
      expect(doc.tasks.length).toBeGreaterThan(5);
      expect(doc.waves.flat().sort()).toEqual(doc.tasks.map((t: { id: string }) => t.id).sort());

      const mermaid = nova(['plan', plan, '--mermaid'], root);
      expect(mermaid.code).toBe(0);
      expect(mermaid.stdout.startsWith('flowchart TD\n')).toBe(true);
      expect(nova(['plan', plan], root).code).toBe(0);
    });
  }

  it('the todo-api plan is ~15 tasks over 3 branches and can run 3 tasks at once', () => {
    const doc = JSON.parse(
      nova(['plan', 'examples/plans/todo-api/CASCADE.md', '--json'], root).stdout,
    );
    expect(doc.tasks).toHaveLength(16);
    expect(doc.hierarchy.map((b: { branch: string }) => b.branch)).toEqual([
      'Backend',
      'Web client',
      'Release',
    ]);
    expect(Math.max(...doc.waves.map((w: string[]) => w.length))).toBe(3);
  });
});
