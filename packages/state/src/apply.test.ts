import { describe, expect, it } from 'vitest';
import { makeCascade, sampleCascade, usage } from '../test/helpers.js';
import { applyTransition, transitionProblem } from './apply.js';
import { createState, planTransition, reconcile } from './create.js';
import { StateError } from './errors.js';

const T0 = '2026-03-01T10:00:00.000Z';
const T1 = '2026-03-01T10:01:30.000Z';
const T2 = '2026-03-01T10:05:00.000Z';
const T3 = '2026-03-01T10:06:00.000Z';

describe('applyTransition', () => {
  it('records the worker a remote attempt ran on, and clears it for a later local one', () => {
    const s = createState(sampleCascade());
    const start = {
      type: 'task_started',
      at: T0,
      id: 'F1',
      worker_id: 'w-1',
      pid: null,
      pgid: null,
      log_path: null,
      model: null,
    } as const;
    applyTransition(s, { ...start, runner: { host: 'box-2', pid: 7 } });
    expect(s.tasks.F1!.runner).toEqual({ host: 'box-2', pid: 7 });
    applyTransition(s, start);
    expect(s.tasks.F1!.runner).toBeNull();
    expect(transitionProblem({ ...start, runner: { host: 'h', pid: 1.5 } })).toContain('runner');
    expect(transitionProblem({ ...start, runner: { host: 'h', pid: 1 } })).toBeNull();
  });

  it('runs a task through start, progress and completion', () => {
    const s = createState(sampleCascade());
    applyTransition(s, { type: 'run_started', at: T0, pid: 99, cascade_file: 'CASCADE.md' });
    applyTransition(s, {
      type: 'task_started',
      at: T0,
      id: 'F1',
      worker_id: 'w-1',
      pid: 100,
      pgid: 100,
      log_path: 'logs/F1.log',
      model: 'claude-sonnet-4-5',
    });
    expect(s.tasks.F1).toMatchObject({
      status: 'in_progress',
      pid: 100,
      pgid: 100,
      started_at: T0,
      log_path: 'logs/F1.log',
    });
    applyTransition(s, {
      type: 'task_progress',
      at: T1,
      id: 'F1',
      token_usage: usage(10, 5),
      current_step: 'Editing',
    });
    expect(s.tasks.F1.token_usage).toEqual(usage(10, 5));
    expect(s.tasks.F1.current_step).toBe('Editing');
    const files = ['a.ts'];
    applyTransition(s, {
      type: 'task_completed',
      at: T1,
      id: 'F1',
      exit_code: 0,
      token_usage: usage(20, 8),
      cost_usd: 0.5,
      model: 'claude-sonnet-4-5-20250929',
      files_changed: files,
    });
    files.push('mutated later');
    expect(s.tasks.F1).toMatchObject({
      status: 'completed',
      exit_code: 0,
      attempts: 1,
      duration_seconds: 90,
      cost_usd: 0.5,
      current_step: null,
      files_changed: ['a.ts'],
    });
    expect(s.project).toMatchObject({ started_at: T0, orchestrator_pid: 99, updated_at: T1 });
    applyTransition(s, { type: 'run_finished', at: T2, completed: true });
    expect(s.project).toMatchObject({ completed_at: T2, orchestrator_pid: null });
  });

  it('keeps what earlier attempts spent when a task is retried', () => {
    const s = createState(sampleCascade());
    applyTransition(s, {
      type: 'task_started',
      at: T0,
      id: 'F1',
      worker_id: 'w',
      pid: 1,
      pgid: 1,
      log_path: null,
      model: null,
    });
    applyTransition(s, {
      type: 'task_failed',
      at: T1,
      id: 'F1',
      error: 'exit 1',
      failure_kind: 'exit_code',
      exit_code: 1,
      token_usage: usage(100, 10),
      cost_usd: 1,
      model: null,
      retry_at: T2,
      counts_as_attempt: true,
    });
    expect(s.tasks.F1).toMatchObject({
      status: 'pending',
      retry_at: T2,
      attempts: 1,
      error: 'exit 1',
      exit_code: 1,
    });
    applyTransition(s, {
      type: 'task_started',
      at: T2,
      id: 'F1',
      worker_id: 'w',
      pid: 2,
      pgid: 2,
      log_path: null,
      model: null,
    });
    expect(s.tasks.F1.token_usage).toEqual(usage(100, 10));
    expect(s.tasks.F1.error).toBeNull();
    applyTransition(s, {
      type: 'task_progress',
      at: T2,
      id: 'F1',
      token_usage: usage(5, 1),
      cost_usd: 0.25,
    });
    expect(s.tasks.F1.token_usage).toEqual(usage(105, 11));
    expect(s.tasks.F1.cost_usd).toBe(1.25);
    applyTransition(s, {
      type: 'task_failed',
      at: T3,
      id: 'F1',
      error: 'limit',
      failure_kind: 'usage_limit',
      exit_code: 0,
      token_usage: usage(7, 2),
      cost_usd: 0.5,
      model: null,
      retry_at: null,
      counts_as_attempt: false,
    });
    expect(s.tasks.F1).toMatchObject({
      status: 'failed',
      attempts: 1,
      failure_kind: 'usage_limit',
      cost_usd: 1.5,
    });
    expect(s.tasks.F1.token_usage).toEqual(usage(107, 12));
    expect(s.tasks.F1.resets).toBeUndefined();
    applyTransition(s, { type: 'task_reset', at: T3, id: 'F1' });
    expect(s.tasks.F1).toMatchObject({
      status: 'pending',
      attempts: 0,
      resets: 1,
      error: null,
      failure_kind: null,
    });
    expect(s.tasks.F1.token_usage).toEqual(usage(107, 12)); // money spent stays spent
    // Each reset starts a new series of attempts, numbered from 1 again.
    applyTransition(s, { type: 'task_reset', at: T3, id: 'F1' });
    expect(s.tasks.F1.resets).toBe(2);
  });

  it('returns an interrupted task to pending with the reason, attempts unchanged', () => {
    const s = createState(sampleCascade());
    applyTransition(s, {
      type: 'task_started',
      at: T0,
      id: 'D1',
      worker_id: 'w',
      pid: 1,
      pgid: 1,
      log_path: null,
      model: null,
    });
    applyTransition(s, { type: 'task_interrupted', at: T1, id: 'D1', reason: 'SIGINT' });
    expect(s.tasks.D1).toMatchObject({
      status: 'pending',
      attempts: 0,
      failure_kind: 'interrupted',
      error: 'SIGINT',
    });
  });

  it('refuses an unknown task and leaves the state untouched', () => {
    const s = createState(sampleCascade());
    const before = JSON.stringify(s);
    expect(() =>
      applyTransition(s, {
        type: 'task_started',
        at: T0,
        id: 'NOPE',
        worker_id: 'w',
        pid: 1,
        pgid: 1,
        log_path: null,
        model: null,
      }),
    ).toThrow(expect.objectContaining({ code: 'UNKNOWN_TASK' }));
    expect(() => applyTransition(s, { type: 'task_reset', at: T0, id: 'toString' })).toThrow(
      StateError,
    );
    expect(JSON.stringify(s)).toBe(before);
  });

  it('records each milestone once', () => {
    const s = createState(sampleCascade());
    const m = { type: 'milestone_reached', at: T0, id: 'm1', name: 'One', message: 'hi' } as const;
    applyTransition(s, m);
    applyTransition(s, { ...m, at: T1 });
    expect(s.milestones).toEqual([{ id: 'm1', name: 'One', message: 'hi', triggered_at: T0 }]);
  });
});

describe('createState / reconcile / planTransition', () => {
  it('creates every task pending, graph and hierarchy in file order', () => {
    const s = createState(sampleCascade(), { cascadeFile: 'plans/CASCADE.md', now: new Date(T0) });
    expect(Object.keys(s.tasks)).toEqual(['F1', 'F2', 'F4', 'U1', 'U2', 'D1', 'D2']);
    expect(Object.values(s.tasks).every((t) => t.status === 'pending')).toBe(true);
    expect(s.graph.tasks.F4).toEqual({
      name: 'Task F4',
      description: 'Does F4',
      depends_on: ['F1', 'F2'],
      branch: 'Application',
      group: 'Foundation',
    });
    expect(s.project).toMatchObject({
      name: 'Test Project',
      cascade_file: 'plans/CASCADE.md',
      updated_at: T0,
    });
  });

  it('reports added and removed tasks and keeps the progress of the others', () => {
    const s = createState(sampleCascade());
    applyTransition(s, {
      type: 'task_started',
      at: T0,
      id: 'F1',
      worker_id: 'w',
      pid: 1,
      pgid: 1,
      log_path: null,
      model: null,
    });
    applyTransition(s, {
      type: 'task_completed',
      at: T1,
      id: 'F1',
      exit_code: 0,
      token_usage: usage(1),
      cost_usd: 0.1,
      model: null,
    });
    const edited = makeCascade([
      ['F1', [], 'Application', 'Foundation'],
      ['F2', ['F1'], 'Application', 'Foundation'],
      ['N1', ['F2'], 'Application', 'Foundation'],
      ['D1', [], 'Docs', 'Guides'],
    ]);
    const { state, changes } = reconcile(s, edited);
    expect(changes).toEqual([
      { kind: 'removed', id: 'F4' },
      { kind: 'removed', id: 'U1' },
      { kind: 'removed', id: 'U2' },
      { kind: 'removed', id: 'D2' },
      { kind: 'added', id: 'N1' },
    ]);
    expect(Object.keys(state.tasks)).toEqual(['F1', 'F2', 'N1', 'D1']);
    expect(state.tasks.F1.status).toBe('completed');
    expect(state.tasks.N1.status).toBe('pending');
    expect(s.tasks.F4).toBeDefined(); // the input is not modified
    expect(planTransition(state, edited)).toBeNull();
    expect(reconcile(state, edited).changes).toEqual([]);
  });

  it('sees a dependency change as a plan change without adds or removals', () => {
    const s = createState(sampleCascade());
    const c = sampleCascade();
    c.tasks[1]!.dependsOn = [];
    const t = planTransition(s, c, new Date(T2));
    expect(t).toMatchObject({ type: 'plan_reconciled', at: T2, added: [], removed: [] });
    applyTransition(s, t!);
    expect(s.graph.tasks.F2!.depends_on).toEqual([]);
  });
});
