import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeCascade, sampleCascade } from '../test/helpers.js';
import { createState } from './create.js';
import { StateError } from './errors.js';
import { parseStateText, validateState } from './validate.js';

const legacyText = readFileSync(
  new URL('../test/fixtures/program-nova-state.json', import.meta.url),
  'utf8',
);

function errorOf(fn: () => unknown): StateError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StateError);
    return error as StateError;
  }
  throw new Error('expected a StateError');
}

describe('validateState', () => {
  it('accepts its own documents unchanged (round trip through JSON)', () => {
    const state = createState(sampleCascade(), {
      now: new Date('2026-01-01T00:00:00Z'),
      cascadeFile: 'CASCADE.md',
    });
    state.journal_seq = 7;
    const back = parseStateText(JSON.stringify(state, null, 2));
    expect(back).toEqual(state);
  });

  it('names the field path of a wrong value', () => {
    const doc = JSON.parse(JSON.stringify(createState(sampleCascade())));
    doc.tasks.F2.status = 'done';
    const e = errorOf(() => validateState(doc, { file: 'cascade_state.json' }));
    expect(e.code).toBe('STATE_INVALID');
    expect(e.field).toBe('tasks.F2.status');
    expect(e.message).toContain('cascade_state.json');
    expect(e.message).toContain('tasks.F2.status');
    expect(e.message).toContain('"done"');

    doc.tasks.F2.status = 'pending';
    doc.tasks.F2.token_usage.output_tokens = -3;
    expect(errorOf(() => validateState(doc)).field).toBe('tasks.F2.token_usage.output_tokens');
    doc.tasks.F2.token_usage.output_tokens = 3;
    doc.graph.tasks.F4.depends_on.push('NOPE');
    expect(errorOf(() => validateState(doc)).field).toBe('graph.tasks.F4.depends_on[2]');
    doc.graph.tasks.F4.depends_on.pop();
    doc.tasks.F1.started_at = 'yesterday';
    expect(errorOf(() => validateState(doc)).field).toBe('tasks.F1.started_at');
  });

  it('reads the worker that ran a task (runner), checks it, and loads files without it', () => {
    const doc = JSON.parse(JSON.stringify(createState(sampleCascade())));
    expect(validateState(doc).tasks.F1!.runner).toBeUndefined();
    doc.tasks.F1.runner = { host: 'box-2', pid: 4242 };
    expect(validateState(doc).tasks.F1!.runner).toEqual({ host: 'box-2', pid: 4242 });
    doc.tasks.F1.runner = { host: 'box-2', pid: 'x' };
    expect(errorOf(() => validateState(doc)).field).toBe('tasks.F1.runner.pid');
    doc.tasks.F1.runner = { host: '', pid: 1 };
    expect(errorOf(() => validateState(doc)).field).toBe('tasks.F1.runner.host');
  });

  it('reads how often a task was reset (resets), checks it, and loads files without it', () => {
    const doc = JSON.parse(JSON.stringify(createState(sampleCascade())));
    expect(validateState(doc).tasks.F1!.resets).toBeUndefined();
    doc.tasks.F1.resets = 3;
    expect(validateState(doc).tasks.F1!.resets).toBe(3);
    doc.tasks.F1.resets = -1;
    expect(errorOf(() => validateState(doc)).field).toBe('tasks.F1.resets');
    doc.tasks.F1.resets = 1.5;
    expect(errorOf(() => validateState(doc)).field).toBe('tasks.F1.resets');
  });

  it('refuses a task without a graph entry and a graph entry without a task', () => {
    const doc = JSON.parse(JSON.stringify(createState(makeCascade([['A', [], 'b', 'g']]))));
    doc.tasks.B = doc.tasks.A;
    expect(errorOf(() => validateState(doc)).field).toBe('tasks.B');
    delete doc.tasks.B;
    delete doc.tasks.A;
    expect(errorOf(() => validateState(doc)).field).toBe('graph.tasks.A');
  });

  it('gives STATE_SCHEMA for an unknown schema_version', () => {
    const doc = { ...createState(sampleCascade()), schema_version: 2 };
    const e = errorOf(() => validateState(doc, { file: 's.json' }));
    expect(e.code).toBe('STATE_SCHEMA');
    expect(e.message).toMatch(/schema_version 2/);
  });

  it('gives STATE_EMPTY and STATE_CORRUPT (with a line) for empty and broken text', () => {
    expect(errorOf(() => parseStateText('  \n', { file: 'x.json' })).code).toBe('STATE_EMPTY');
    const e = errorOf(() =>
      parseStateText('{\n  "project": {\n    "name": "x",\n', { file: 'x.json' }),
    );
    expect(e.code).toBe('STATE_CORRUPT');
    expect(e.file).toBe('x.json');
    expect(e.message).toContain('x.json');
    const e2 = errorOf(() => parseStateText('{\n  "a": 1,\n  oops\n}'));
    expect(e2.line).toBe(3);
  });

  it('reads a Program Nova state file (no schema_version, no graph) and derives a graph', () => {
    const state = parseStateText(legacyText, { file: 'cascade_state.json' });
    expect(state.schema_version).toBe(1);
    expect(state.project.name).toBe('Legacy Project');
    expect(state.project.updated_at).toBeNull();
    expect(Object.keys(state.tasks)).toEqual(['F1', 'F2', 'F3', 'F4']);
    expect(state.graph.derived).toBe(true);
    expect(state.graph.tasks.F2).toEqual({
      name: 'F2',
      description: '',
      depends_on: [],
      branch: 'All tasks',
      group: 'All tasks',
    });
    expect(state.graph.hierarchy).toEqual([
      { branch: 'All tasks', groups: [{ group: 'All tasks', tasks: ['F1', 'F2', 'F3', 'F4'] }] },
    ]);
    expect(state.tasks.F1.attempts).toBe(0);
    expect(state.tasks.F1.cost_usd).toBeNull();
    expect(state.tasks.F1.files_changed).toEqual(['src/a.py']);
    expect(state.milestones).toEqual([]);
    // Still validated: a wrong status in a legacy file is an error naming the field.
    const bad = JSON.parse(legacyText);
    bad.tasks.F3.status = 'running';
    expect(errorOf(() => validateState(bad)).field).toBe('tasks.F3.status');
  });
});
