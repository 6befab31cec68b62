import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { transitionProblem } from '../src/apply.js';
import type { CascadeState, JournalEntry } from '../src/index.js';
import {
  applyTransition,
  createState,
  parseStateText,
  pauseOf,
  validateState,
} from '../src/index.js';
import { journalPathFor, openStore, readState } from '../src/store.js';
import { initialState } from './children/common.mjs';
import { sampleCascade } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'nova-state-pause-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const T0 = '2026-03-01T10:00:00.000Z';
const UNTIL = '2026-03-01T14:05:00.000Z';
const paused = (until: string, task: string | null = 'F1') => ({
  type: 'run_paused' as const,
  at: T0,
  until,
  reason: `usage limit reported by ${task}`,
  task,
});

describe('run_paused and run_resumed', () => {
  it('record the pause on the project and clear it again', () => {
    const s = createState(sampleCascade());
    applyTransition(s, { type: 'run_started', at: T0, pid: 9, cascade_file: null });
    applyTransition(s, paused(UNTIL));
    expect(s.project).toMatchObject({
      paused_until: UNTIL,
      pause_reason: 'usage limit reported by F1',
      pause_task: 'F1',
      updated_at: T0,
    });
    // A later pause replaces the earlier one, even when it ends sooner (a known reset).
    applyTransition(s, paused('2026-03-01T13:00:00.000Z', 'F2'));
    expect(s.project.paused_until).toBe('2026-03-01T13:00:00.000Z');
    expect(s.project.pause_task).toBe('F2');
    applyTransition(s, { type: 'run_resumed', at: '2026-03-01T13:00:01.000Z' });
    expect(s.project).toMatchObject({ paused_until: null, pause_reason: null, pause_task: null });
  });

  it('are cleared by the end of the run and by the start of the next', () => {
    const s = createState(sampleCascade());
    applyTransition(s, paused(UNTIL));
    applyTransition(s, { type: 'run_finished', at: T0, completed: false, outcome: 'interrupted' });
    expect(s.project.paused_until).toBeNull();
    applyTransition(s, paused(UNTIL, null));
    expect(s.project.pause_task).toBeNull();
    applyTransition(s, { type: 'run_started', at: T0, pid: 9, cascade_file: null });
    expect(s.project).toMatchObject({ paused_until: null, pause_reason: null, pause_task: null });
  });

  it('a state that never paused has no pause fields at all', () => {
    const s = createState(sampleCascade());
    applyTransition(s, { type: 'run_started', at: T0, pid: 9, cascade_file: null });
    applyTransition(s, { type: 'run_finished', at: T0, completed: false });
    expect('paused_until' in s.project).toBe(false);
  });

  it.each([
    [{ ...paused(UNTIL), until: 'soon' }, 'run_paused: "until" must be an ISO-8601 timestamp'],
    [{ ...paused(UNTIL), until: undefined }, 'run_paused: "until" must be an ISO-8601 timestamp'],
    [{ ...paused(UNTIL), reason: 3 }, 'run_paused: "reason" must be a string'],
    [{ ...paused(UNTIL), task: '' }, 'run_paused: "task" must be a non-empty string or null'],
    [
      { ...paused(UNTIL), task: undefined },
      'run_paused: "task" must be a non-empty string or null',
    ],
    [{ type: 'run_resumed', at: 'later' }, 'run_resumed: "at" must be an ISO-8601 timestamp'],
  ])('refuses a malformed pause transition %#', (t, problem) => {
    expect(transitionProblem(t)).toBe(problem);
  });

  it('accepts well-formed pause transitions', () => {
    expect(transitionProblem(paused(UNTIL))).toBeNull();
    expect(transitionProblem(paused(UNTIL, null))).toBeNull();
    expect(transitionProblem({ type: 'run_resumed', at: T0 })).toBeNull();
  });
});

describe('the pause in the state file', () => {
  it('an older file without the fields loads, and so does one with them', () => {
    const old = JSON.parse(JSON.stringify(createState(sampleCascade())));
    expect(validateState(old).project.paused_until).toBeUndefined();
    const doc = { ...old, project: { ...old.project, paused_until: UNTIL } };
    doc.project.pause_reason = 'usage limit reported by F1';
    doc.project.pause_task = 'F1';
    const back = parseStateText(JSON.stringify(doc));
    expect(back.project).toMatchObject({
      paused_until: UNTIL,
      pause_reason: 'usage limit reported by F1',
      pause_task: 'F1',
    });
    const cleared = { ...old, project: { ...old.project, paused_until: null, pause_reason: null } };
    expect(validateState(cleared).project.paused_until).toBeNull();
  });

  it('refuses a paused_until that is not a time, naming the field', () => {
    const old = JSON.parse(JSON.stringify(createState(sampleCascade())));
    const doc = { ...old, project: { ...old.project, paused_until: 'tomorrow' } };
    expect(() => validateState(doc)).toThrow(
      expect.objectContaining({ code: 'STATE_INVALID', field: 'project.paused_until' }),
    );
  });

  it('a crashed writer’s journaled pause is replayed into the state, and a resume clears it', async () => {
    const dir = join(root, `run-${n++}`);
    mkdirSync(dir);
    const stateFile = join(dir, 'cascade_state.json');
    writeFileSync(
      stateFile,
      `${JSON.stringify({ ...initialState(2), journal_seq: 0 }, null, 2)}\n`,
    );
    const lines: JournalEntry[] = [{ seq: 1, ...paused(UNTIL, 'T0') }];
    writeFileSync(journalPathFor(stateFile), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const store = await openStore(stateFile);
    expect(store.state.project).toMatchObject({ paused_until: UNTIL, pause_task: 'T0' });
    await store.record({ type: 'run_resumed', at: '2026-03-01T14:05:01.000Z' });
    await store.close();
    const after = await readState(stateFile);
    expect(after.project.paused_until).toBeNull();
    expect(readFileSync(journalPathFor(stateFile), 'utf8')).toBe('');
    // The compacted snapshot holds what replay gives.
    const replayed = initialState(2) as CascadeState;
    applyTransition(replayed, paused(UNTIL, 'T0'));
    applyTransition(replayed, { type: 'run_resumed', at: '2026-03-01T14:05:01.000Z' });
    expect(after.project).toEqual({ ...replayed.project, updated_at: after.project.updated_at });
  });
});

describe('pauseOf', () => {
  it('is the recorded pause while it holds, null before, after and without one', () => {
    const s = createState(sampleCascade());
    expect(pauseOf(s, new Date(T0))).toBeNull();
    applyTransition(s, paused(UNTIL));
    expect(pauseOf(s, new Date(T0))).toEqual({
      until: UNTIL,
      reason: 'usage limit reported by F1',
      task: 'F1',
    });
    expect(pauseOf(s, new Date(UNTIL))).toBeNull();
    applyTransition(s, { type: 'run_resumed', at: T0 });
    expect(pauseOf(s, new Date(T0))).toBeNull();
  });
});
