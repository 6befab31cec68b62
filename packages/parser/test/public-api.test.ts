/** Pins the runtime surface of both built entries: adding or removing an export is a visible change. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dist = join(import.meta.dirname, '..', 'dist');

describe('public API', () => {
  it('@program-nova/parser', async () => {
    const mod = await import('../dist/index.js');
    expect(Object.keys(mod).sort()).toEqual([
      'CascadeError',
      'criticalPath',
      'dependentsMap',
      'depths',
      'describeCycle',
      'findCycles',
      'formatDiagnostic',
      'parseCascade',
      'parseCascadeFile',
      'parseCascadeFileSync',
      'parseTimeout',
      'topologicalOrder',
      'transitiveDependents',
      'waves',
    ]);
  });

  it('@program-nova/parser/graph', async () => {
    const mod = await import('../dist/graph.js');
    expect(Object.keys(mod).sort()).toEqual([
      'CascadeError',
      'criticalPath',
      'dependentsMap',
      'depths',
      'describeCycle',
      'findCycles',
      'topologicalOrder',
      'transitiveDependents',
      'waves',
    ]);
  });

  it('both entries share one CascadeError class', async () => {
    const main = await import('../dist/index.js');
    const graph = await import('../dist/graph.js');
    expect(main.CascadeError).toBe(graph.CascadeError);
  });

  it('the graph entry is browser-safe: no node built-ins and no bare imports in what it loads', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(join(dist, file), 'utf8');
      for (const m of code.matchAll(/(?:import|export)[^'"]*from\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        expect(spec.startsWith('./'), `${file} imports ${spec}`).toBe(true);
        visit(spec.slice(2));
      }
      expect(code).not.toMatch(/\brequire\(['"]node:|from ['"]node:/);
    };
    visit('graph.js');
    expect(seen.size).toBeGreaterThan(0);
  });
});
