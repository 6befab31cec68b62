import type { StatusSummary } from '@program-nova/state';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apply, at, failedRun, finishedRun, plan } from '../../test/fixtures.js';
import { runPhase, scopeStatus } from './labels.js';

const counts = (c: Partial<StatusSummary>): StatusSummary => {
  const s = { completed: 0, failed: 0, inProgress: 0, pending: 0, blocked: 0, ...c };
  return {
    ...s,
    totalTasks: s.completed + s.failed + s.inProgress + s.pending + s.blocked,
    activeWorkers: s.inProgress,
  };
};

describe('scopeStatus', () => {
  it.each([
    [{}, 'empty'],
    [{ completed: 5 }, 'completed'],
    [{ inProgress: 50, failed: 3, pending: 10 }, 'running'],
    // A group whose tasks are all blocked is Blocked, not Pending.
    [{ blocked: 4 }, 'blocked'],
    // A branch with 1 of 5 done and 4 blocked: nothing can run in it.
    [{ completed: 1, blocked: 4 }, 'blocked'],
    [{ completed: 3, failed: 1, blocked: 2 }, 'failed'],
    [{ failed: 1, pending: 2 }, 'partly_done'],
    [{ completed: 30, pending: 20 }, 'partly_done'],
    [{ pending: 8 }, 'not_started'],
  ] as [Partial<StatusSummary>, string][])('%j -> %s', (c, expected) => {
    expect(scopeStatus(counts(c))).toBe(expected);
  });

  it('never says a word the counts contradict', () => {
    const n = fc.nat({ max: 50 });
    fc.assert(
      fc.property(n, n, n, n, n, (completed, failed, inProgress, pending, blocked) => {
        const c = counts({ completed, failed, inProgress, pending, blocked });
        const s = scopeStatus(c);
        if (s === 'failed') expect(c.inProgress + c.pending).toBe(0);
        if (s === 'failed') expect(c.failed).toBeGreaterThan(0);
        if (s === 'running') expect(c.inProgress).toBeGreaterThan(0);
        if (s === 'completed') expect(c.completed).toBe(c.totalTasks);
        if (s === 'blocked') expect(c.blocked).toBeGreaterThan(0);
        if (s === 'blocked') expect(c.inProgress + c.pending + c.failed).toBe(0);
        if (s === 'not_started') expect(c.completed + c.failed + c.inProgress + c.blocked).toBe(0);
        if (c.inProgress > 0) expect(s).toBe('running');
      }),
    );
  });
});

describe('runPhase', () => {
  it('reads how the run ended, or that it runs, or that its process is gone', () => {
    expect(runPhase(plan().project, null)).toEqual({ kind: 'not_started' });
    expect(runPhase(failedRun().project, 'alive')).toEqual({ kind: 'running' });
    expect(runPhase(failedRun().project, 'gone').kind).toBe('crashed');
    expect(runPhase(finishedRun().project, 'none')).toMatchObject({
      kind: 'finished',
      allCompleted: true,
    });
    for (const [outcome, kind] of [
      ['failed', 'finished'],
      ['interrupted', 'interrupted'],
      ['fail_fast', 'stopped'],
      ['budget_exhausted', 'stopped'],
      ['max_iterations', 'stopped'],
    ] as const) {
      const s = apply(failedRun(), {
        type: 'run_finished',
        at: at(300),
        completed: false,
        outcome,
      });
      expect(runPhase(s.project, 'none')).toMatchObject({ kind, at: at(300) });
    }
  });
});
