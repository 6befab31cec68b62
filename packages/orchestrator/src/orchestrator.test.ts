import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCascade } from '@program-nova/parser';
import { createState } from '@program-nova/state';
import { journalPathFor, openStore } from '@program-nova/state/store';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeExecutor, fail, ok } from '../test/fake-executor.js';
import { planText, type Row, tempDir, writePlan } from '../test/plan.js';
import { OrchestratorError } from './errors.js';
import type { OrchestratorEvents } from './events.js';
import { Orchestrator, type OrchestratorOptions } from './orchestrator.js';

type Entry = { seq: number; type: string; id?: string; [k: string]: unknown };

function journal(stateFile: string): Entry[] {
  // The journal is being appended to: a last line without its newline is still being written.
  const lines = readFileSync(journalPathFor(stateFile), 'utf8').split('\n');
  lines.pop();
  return lines.filter(Boolean).map((l) => JSON.parse(l) as Entry);
}

async function waitFor(cond: () => boolean): Promise<void> {
  const end = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 2));
  }
}

function setup(rows: Row[], executor: FakeExecutor, options: Partial<OrchestratorOptions> = {}) {
  const paths = writePlan(rows);
  const o = new Orchestrator({
    cascadeFile: paths.cascadeFile,
    stateFile: paths.stateFile,
    logsDir: paths.logsDir,
    executor,
    retryDelayMs: 1,
    maxRetryDelayMs: 5,
    ...options,
  });
  return { o, ...paths };
}

function collect<E extends keyof OrchestratorEvents>(o: Orchestrator, event: E) {
  const seen: OrchestratorEvents[E][0][] = [];
  o.on(event, ((p: OrchestratorEvents[E][0]) => seen.push(p)) as never);
  return seen;
}

/** Checks, at the moment of each start, that every dependency's completion is in the journal file. */
function journalChecker(stateFile: () => string, deps: Map<string, string[]>) {
  const violations: string[] = [];
  const check = (id: string) => {
    const done = new Set(
      journal(stateFile())
        .filter((e) => e.type === 'task_completed')
        .map((e) => e.id),
    );
    for (const d of deps.get(id) ?? []) if (!done.has(d)) violations.push(`${id} before ${d}`);
  };
  return { violations, check };
}

describe('Orchestrator scheduling (in-memory executor)', () => {
  it('a lost worker whose job the queue put back: recorded as worker_lost, not an attempt, started again at once', async () => {
    let lost = false;
    const ex = new FakeExecutor((spec) => {
      if (spec.task.id === 'B' && !lost) {
        lost = true;
        return fail({
          kind: 'worker_lost',
          message: 'worker h (pid 1) stopped answering',
          requeued: true,
        });
      }
      return ok();
    });
    const { o, stateFile } = setup([['A'], ['B', ['A']]], ex);
    const recorded = collect(o, 'recorded');
    const result = await o.run({ checkInterval: 50 });
    expect(result.outcome).toBe('completed');
    const b = ex.startsOf('B');
    expect(b.map((e) => e.spec.attempt)).toEqual([1, 1]);
    const failed = recorded.filter((e) => e.type === 'task_failed');
    expect(failed).toMatchObject([
      { id: 'B', failure_kind: 'worker_lost', counts_as_attempt: false },
    ]);
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(state.tasks.B).toMatchObject({ status: 'completed', attempts: 1 });
    // Every outcome was acknowledged once recorded; the spec carried the critical-path rank.
    expect(ex.executions.every((e) => e.acknowledged)).toBe(true);
    expect(ex.startsOf('A')[0]!.spec.rank).toBe(0);
    expect(b[0]!.spec.rank).toBe(1);
  });

  it('runs a plan to completion and records every task once', async () => {
    const ex = new FakeExecutor();
    const { o } = setup([['A'], ['B', ['A']], ['C', ['A']], ['D', ['B', 'C']]], ex);
    const recorded = collect(o, 'recorded');
    const result = await o.run({ checkInterval: 50 });
    expect(result.outcome).toBe('completed');
    expect(result.ok).toBe(true);
    expect(o.getStatusSummary()).toMatchObject({
      totalTasks: 4,
      completed: 4,
      failed: 0,
      activeWorkers: 0,
    });
    expect(ex.order.sort()).toEqual(['A', 'B', 'C', 'D']);
    const types = recorded.map((e) => e.type);
    expect(recorded.map((e) => e.seq)).toEqual(
      [...recorded.map((e) => e.seq)].sort((a, b) => a - b),
    );
    expect(types.filter((t) => t === 'task_completed')).toHaveLength(4);
    expect(types.at(-1)).toBe('run_finished');
  });

  it('never exceeds maxWorkers and never starts a task before its dependencies are journaled (random DAGs)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 18 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 40 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        async (n, maxWorkers, edges, seed) => {
          const ids = Array.from({ length: n }, (_, i) => `T${i}`);
          const deps = new Map(ids.map((id) => [id, [] as string[]]));
          for (const [a, b] of edges) {
            const i = a % n;
            const j = b % n;
            // Only edges to earlier tasks: always acyclic.
            if (j < i && !deps.get(ids[i]!)!.includes(ids[j]!)) deps.get(ids[i]!)!.push(ids[j]!);
          }
          let stateFile = '';
          const checker = journalChecker(() => stateFile, deps);
          let rnd = seed;
          const ex = new FakeExecutor(
            (_spec, exec) => {
              // Finish in a pseudo-random later turn so completions interleave.
              rnd = (rnd * 1103515245 + 12345) % 2 ** 31;
              setTimeout(() => exec.finish(ok()), rnd % 4);
              return 'manual';
            },
            (exec) => checker.check(exec.taskId),
          );
          const s = setup(
            ids.map((id) => [id, deps.get(id)]),
            ex,
            { maxWorkers },
          );
          stateFile = s.stateFile;
          const result = await s.o.run({ checkInterval: 20 });
          expect(result.outcome).toBe('completed');
          expect(ex.maxLive).toBeLessThanOrEqual(maxWorkers);
          expect(ex.maxLive).toBe(Math.min(maxWorkers, ex.maxLive)); // sanity
          expect(checker.violations).toEqual([]);
          expect(ex.executions).toHaveLength(n);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('fills every slot on a wide plan: concurrency equals maxWorkers', async () => {
    const ex = new FakeExecutor(() => 'manual');
    const rows: Row[] = Array.from({ length: 10 }, (_, i) => [`W${i}`]);
    const { o } = setup(rows, ex, { maxWorkers: 4 });
    const started = collect(o, 'run:started');
    o.on('run:started', () => {
      // Starts are synchronous with the run starting: four at once, no tick needed.
      expect(ex.running()).toHaveLength(4);
    });
    const done = o.run({ checkInterval: 50 });
    await waitFor(() => started.length === 1);
    expect(ex.running()).toHaveLength(4);
    // A finished worker frees its slot and the next task starts at once.
    while (ex.running().length > 0) {
      expect(ex.running().length).toBeLessThanOrEqual(4);
      ex.running()[0]!.finish(ok());
      await new Promise((r) => setTimeout(r, 5));
    }
    const result = await done;
    expect(result.outcome).toBe('completed');
    expect(ex.maxLive).toBe(4);
  });

  it('starts critical-path tasks first, file order on ties', async () => {
    const ex = new FakeExecutor();
    // A is independent (chain length 1); B -> C -> D is the critical path (3).
    const { o } = setup([['A'], ['B'], ['C', ['B']], ['D', ['C']], ['E']], ex, { maxWorkers: 1 });
    expect(await o.run({ checkInterval: 50 })).toMatchObject({ outcome: 'completed' });
    expect(ex.order).toEqual(['B', 'C', 'A', 'D', 'E']);
  });

  it("order: 'file' starts in plain file order", async () => {
    const ex = new FakeExecutor();
    const { o } = setup([['A'], ['B'], ['C', ['B']], ['D', ['C']], ['E']], ex, {
      maxWorkers: 1,
      order: 'file',
    });
    await o.run({ checkInterval: 50 });
    expect(ex.order).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('getReadyTasks lists ready tasks in start order', async () => {
    const ex = new FakeExecutor();
    const { o } = setup([['A'], ['B'], ['C', ['B']], ['D', ['A']], ['E', ['D']]], ex);
    await o.init();
    // A has chain A->D->E (3), B has B->C (2).
    expect(o.getReadyTasks()).toEqual(['A', 'B']);
    await o.close();
  });

  it('a failure blocks exactly its transitive dependents; independent branches complete', async () => {
    const ex = new FakeExecutor((spec) =>
      spec.task.id === 'B' ? fail({ retryable: true }) : ok(),
    );
    const { o } = setup(
      [['A'], ['B', ['A']], ['C', ['B']], ['D', ['C']], ['E', ['A']], ['F'], ['G', ['E', 'F']]],
      ex,
    );
    const failed = collect(o, 'task:failed');
    const blocked = collect(o, 'task:blocked');
    const result = await o.run({ checkInterval: 50 });
    expect(result.outcome).toBe('failed');
    expect(result.ok).toBe(false);
    const s = o.state.tasks;
    expect(s.B!.status).toBe('failed');
    expect(s.C!.status).toBe('pending');
    expect(s.D!.status).toBe('pending');
    for (const id of ['A', 'E', 'F', 'G']) expect(s[id]!.status).toBe('completed');
    expect(ex.startsOf('C')).toHaveLength(0);
    expect(failed.map((f) => f.id)).toEqual(['B']);
    expect(failed[0]!.blocks).toEqual(['C', 'D']);
    expect(blocked).toEqual([
      { id: 'C', blockedBy: ['B'] },
      { id: 'D', blockedBy: ['B'] },
    ]);
    expect(o.getStatusSummary()).toMatchObject({ completed: 4, failed: 1, blocked: 2, pending: 0 });
  });

  it('on random DAGs, exactly the tasks downstream of a failure are never started', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 14 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        async (n, edges, failing) => {
          const ids = Array.from({ length: n }, (_, i) => `T${i}`);
          const deps = new Map(ids.map((id) => [id, [] as string[]]));
          for (const [a, b] of edges) {
            const [i, j] = [a % n, b % n];
            if (j < i && !deps.get(ids[i]!)!.includes(ids[j]!)) deps.get(ids[i]!)!.push(ids[j]!);
          }
          const fails = new Set(failing.map((f) => ids[f % n]!));
          // Expected: a task starts iff none of its (transitive) dependencies fails.
          const poisoned = new Map<string, boolean>();
          const isPoisoned = (id: string): boolean => {
            if (!poisoned.has(id)) {
              poisoned.set(
                id,
                deps.get(id)!.some((d) => fails.has(d) || isPoisoned(d)),
              );
            }
            return poisoned.get(id)!;
          };
          const ex = new FakeExecutor((spec) => (fails.has(spec.task.id) ? fail() : ok()));
          const { o } = setup(
            ids.map((id) => [id, deps.get(id)]),
            ex,
            { maxWorkers: 3 },
          );
          const result = await o.run({ checkInterval: 20 });
          expect(new Set(ex.order)).toEqual(new Set(ids.filter((id) => !isPoisoned(id))));
          const blocked = ids.filter((id) => isPoisoned(id));
          expect(result.summary.blocked).toBe(blocked.length);
          expect(result.outcome).toBe(fails.size ? 'failed' : 'completed');
        },
      ),
      { numRuns: 25 },
    );
  });

  it('retries a flaky task with growing backoff and succeeds on the third attempt', async () => {
    let n = 0;
    const ex = new FakeExecutor((spec) => {
      if (spec.task.id !== 'F') return ok();
      n++;
      return n < 3 ? fail() : ok();
    });
    const { o } = setup(
      [
        ['F', [], { retries: 2 }],
        ['G', ['F']],
      ],
      ex,
      {
        retryDelayMs: 20,
        maxRetryDelayMs: 1000,
      },
    );
    const retrying = collect(o, 'task:retrying');
    const result = await o.run({ checkInterval: 50 });
    expect(result.outcome).toBe('completed');
    expect(ex.startsOf('F').map((e) => e.spec.attempt)).toEqual([1, 2, 3]);
    expect(retrying.map((r) => r.attempt)).toEqual([1, 2]);
    // Equal jitter: retry n waits between half and all of base * 2^(n-1).
    expect(retrying[0]!.delayMs).toBeGreaterThanOrEqual(10);
    expect(retrying[0]!.delayMs).toBeLessThanOrEqual(20);
    expect(retrying[1]!.delayMs).toBeGreaterThanOrEqual(20);
    expect(retrying[1]!.delayMs).toBeLessThanOrEqual(40);
    expect(o.state.tasks.F!.attempts).toBe(3);
    expect(o.state.tasks.G!.status).toBe('completed');
  });

  it('the run-wide retries option applies when the task has no Retries column; gives up after it', async () => {
    const ex = new FakeExecutor(() => fail());
    const { o } = setup([['A']], ex, { retries: 1 });
    const result = await o.run({ checkInterval: 50 });
    expect(result.outcome).toBe('failed');
    expect(ex.startsOf('A')).toHaveLength(2);
    expect(o.state.tasks.A).toMatchObject({ status: 'failed', attempts: 2, retry_at: null });
  });

  it('does not retry a failure that cannot succeed (command not found)', async () => {
    const ex = new FakeExecutor(() =>
      fail({ kind: 'command_not_found', retryable: false, message: 'command not found: claude' }),
    );
    const { o } = setup([['A']], ex, { retries: 3 });
    await o.run({ checkInterval: 50 });
    expect(ex.startsOf('A')).toHaveLength(1);
    expect(o.state.tasks.A).toMatchObject({ status: 'failed', failure_kind: 'command_not_found' });
  });

  it('failFast: after a failure nothing new starts, running tasks finish', async () => {
    const ex = new FakeExecutor((spec) => (spec.task.id === 'A' ? 'manual' : 'manual'));
    const { o } = setup([['A'], ['B'], ['C'], ['D'], ['E']], ex, { maxWorkers: 2, failFast: true });
    const done = o.run({ checkInterval: 50 });
    await waitFor(() => ex.executions.length === 2);
    expect(ex.order).toEqual(['A', 'B']);
    ex.startsOf('A')[0]!.finish(fail({ retryable: true }));
    await new Promise((r) => setTimeout(r, 20));
    expect(ex.order).toEqual(['A', 'B']); // nothing new
    ex.startsOf('B')[0]!.finish(ok());
    const result = await done;
    expect(result.outcome).toBe('fail_fast');
    expect(ex.order).toEqual(['A', 'B']);
    expect(o.state.tasks.B!.status).toBe('completed');
    expect(o.state.tasks.C!.status).toBe('pending');
  });

  it('maxCost: starts nothing new once the budget is spent', async () => {
    const ex = new FakeExecutor(() => ok({ costUsd: 0.6 }));
    const { o } = setup([['A'], ['B'], ['C'], ['D']], ex, { maxWorkers: 1, maxCost: 1 });
    const warnings = collect(o, 'warning');
    const result = await o.run({ checkInterval: 50 });
    expect(result.outcome).toBe('budget_exhausted');
    expect(ex.order).toEqual(['A', 'B']);
    expect(result.costUsd).toBeCloseTo(1.2);
    expect(warnings.map((w) => w.code)).toContain('BUDGET_EXHAUSTED');
  });

  it('maxCost counts live token cost of running tasks', async () => {
    const ex = new FakeExecutor(() => 'manual');
    const { o } = setup([['A'], ['B'], ['C']], ex, { maxWorkers: 1, maxCost: 0.5 });
    const done = o.run({ checkInterval: 50 });
    await waitFor(() => ex.executions.length === 1);
    const a = ex.startsOf('A')[0]!;
    a.emit('tokens', {
      usage: { input_tokens: 10, output_tokens: 5, cache_read_tokens: 0, cache_creation_tokens: 0 },
      costUsd: 0.7,
      model: 'm',
    });
    a.finish(ok({ costUsd: 0.7 }));
    const result = await done;
    expect(result.outcome).toBe('budget_exhausted');
    expect(ex.order).toEqual(['A']);
  });

  it('a usage limit pauses new starts until the reset and requeues without counting an attempt', async () => {
    let limited = false;
    const ex = new FakeExecutor((spec) => {
      if (spec.task.id === 'A' && !limited) {
        limited = true;
        return fail({
          kind: 'usage_limit',
          retryable: true,
          message: 'usage limit reached',
          resetAt: new Date(Date.now() + 150).toISOString(),
        });
      }
      return ok();
    });
    const { o } = setup([['A'], ['B'], ['C']], ex, { maxWorkers: 1 });
    const paused = collect(o, 'run:paused');
    const retrying = collect(o, 'task:retrying');
    let startsWhilePaused = 0;
    o.on('task:started', (e) => {
      if (paused.length && Date.now() < Date.parse(paused[0]!.until)) startsWhilePaused++;
      void e;
    });
    const result = await o.run({ checkInterval: 50 });
    expect(result.outcome).toBe('completed');
    expect(paused).toHaveLength(1);
    expect(startsWhilePaused).toBe(0);
    expect(retrying[0]).toMatchObject({ id: 'A', countsAsAttempt: false, kind: 'usage_limit' });
    expect(ex.startsOf('A').map((e) => e.spec.attempt)).toEqual([1, 1]);
    expect(o.state.tasks.A!.attempts).toBe(1);
  });

  describe('the pause rules', () => {
    const limit = (resetInMs: number | null) =>
      fail({
        kind: 'usage_limit',
        retryable: true,
        message: 'usage limit reached',
        resetAt: resetInMs === null ? null : new Date(Date.now() + resetInMs).toISOString(),
      });

    // A usage limit is not an attempt, so a task's second start is attempt 1 again: count starts.
    const starts = new Map<string, number>();
    const first = (id: string) => {
      starts.set(id, (starts.get(id) ?? 0) + 1);
      return starts.get(id) === 1;
    };
    beforeEach(() => starts.clear());
    /** The first start of each task `held` names waits to be finished by hand; all else succeeds. */
    const holdFirst = (...held: string[]) =>
      new FakeExecutor((spec) =>
        held.includes(spec.task.id) && first(spec.task.id) ? 'manual' : ok(),
      );

    /** What happened, in order: pauses (with their task), resumes and starts. */
    function timeline(o: Orchestrator): string[] {
      const seen: string[] = [];
      o.on('run:paused', (e) => seen.push(`paused by ${e.task}`));
      o.on('run:resumed', () => seen.push('resumed'));
      o.on('task:started', (e) => seen.push(`start ${e.id}`));
      return seen;
    }

    it('a known reset ends a longer fallback pause early, and the state says so throughout', async () => {
      const ex = holdFirst('A', 'B');
      // A's limit comes without a time: the fallback is a minute. B's says 300 ms.
      const { o } = setup([['A'], ['B'], ['C']], ex, {
        maxWorkers: 2,
        usageLimitPauseMs: 60_000,
      });
      const seen = timeline(o);
      const paused = collect(o, 'run:paused');
      const projects: unknown[] = [];
      o.on('run:paused', () => projects.push({ ...o.state.project }));
      const done = o.run({ checkInterval: 50 });
      await waitFor(() => ex.executions.length === 2);
      ex.startsOf('A')[0]!.finish(limit(null));
      await waitFor(() => paused.length === 1);
      expect(paused[0]).toMatchObject({ task: 'A', reason: 'usage limit reported by A' });
      expect(o.state.project.paused_until).toBe(paused[0]!.until);
      ex.startsOf('B')[0]!.finish(limit(300));
      await waitFor(() => seen.filter((e) => e.startsWith('start')).length === 4);
      expect(Date.parse(paused[1]!.until)).toBeLessThan(Date.parse(paused[0]!.until));
      expect(projects[1]).toMatchObject({
        paused_until: paused[1]!.until,
        pause_reason: 'usage limit reported by B',
        pause_task: 'B',
      });
      expect(seen.slice(0, 4)).toEqual(['start A', 'start B', 'paused by A', 'paused by B']);
      expect(seen[4]).toBe('resumed');
      expect(seen.slice(5).sort()).toEqual(['start B', 'start C']);
      // The pause is over in the state; A still waits for its own (unknown: fallback) time.
      await waitFor(() => o.state.tasks.C!.status === 'completed');
      expect(o.state.project).toMatchObject({ paused_until: null, pause_task: null });
      expect(o.state.tasks.A!.status).toBe('pending');
      await o.stop();
      await done;
      expect(o.state.project.paused_until).toBeNull();
    });

    it('an unknown reset does not use the fallback while a known one is pending', async () => {
      const ex = holdFirst('A', 'B');
      const { o } = setup([['A'], ['B'], ['C']], ex, {
        maxWorkers: 2,
        usageLimitPauseMs: 60_000,
      });
      const seen = timeline(o);
      const paused = collect(o, 'run:paused');
      const retrying = collect(o, 'task:retrying');
      const done = o.run({ checkInterval: 50 });
      await waitFor(() => ex.executions.length === 2);
      ex.startsOf('A')[0]!.finish(limit(300));
      await waitFor(() => paused.length === 1);
      ex.startsOf('B')[0]!.finish(limit(null));
      const result = await done;
      expect(result.outcome).toBe('completed');
      expect(paused).toHaveLength(1);
      // B runs again when A's known reset ends the pause, not a minute later.
      expect(retrying.map((r) => [r.id, r.retryAt])).toEqual([
        ['A', paused[0]!.until],
        ['B', paused[0]!.until],
      ]);
      expect(seen.indexOf('resumed')).toBeLessThan(seen.lastIndexOf('start A'));
      expect(seen.filter((e) => e === 'resumed')).toHaveLength(1);
    });

    it('a later known reset extends the pause; an earlier one leaves it', async () => {
      const ex = holdFirst('A', 'B', 'C');
      const { o } = setup([['A'], ['B'], ['C'], ['D']], ex, { maxWorkers: 3 });
      const seen = timeline(o);
      const recorded = collect(o, 'recorded');
      const paused = collect(o, 'run:paused');
      const done = o.run({ checkInterval: 50 });
      await waitFor(() => ex.executions.length === 3);
      ex.startsOf('A')[0]!.finish(limit(200));
      await waitFor(() => paused.length === 1);
      ex.startsOf('B')[0]!.finish(limit(400));
      await waitFor(() => paused.length === 2);
      ex.startsOf('C')[0]!.finish(limit(250));
      const result = await done;
      expect(result.outcome).toBe('completed');
      expect(paused.map((p) => p.task)).toEqual(['A', 'B']);
      expect(Date.parse(paused[1]!.until)).toBeGreaterThan(Date.parse(paused[0]!.until));
      const resumed = seen.indexOf('resumed');
      expect(seen.slice(0, resumed)).toEqual([
        'start A',
        'start B',
        'start C',
        'paused by A',
        'paused by B',
      ]);
      expect(seen.filter((e) => e === 'resumed')).toHaveLength(1);
      expect(seen.slice(resumed + 1).sort()).toEqual(['start A', 'start B', 'start C', 'start D']);
      expect(
        recorded.map((e) => e.type).filter((t) => t === 'run_paused' || t === 'run_resumed'),
      ).toEqual(['run_paused', 'run_paused', 'run_resumed']);
    });
  });

  it('stop(): nothing new starts, running tasks are stopped and back to pending with the reason', async () => {
    const ex = new FakeExecutor(() => 'manual');
    const { o } = setup([['A'], ['B'], ['C']], ex, { maxWorkers: 2 });
    const interrupted = collect(o, 'task:interrupted');
    const recorded = collect(o, 'recorded');
    const done = o.run({ checkInterval: 50 });
    await waitFor(() => ex.executions.length === 2);
    await o.stop({ reason: 'interrupted by SIGINT' });
    const result = await done;
    expect(result.outcome).toBe('interrupted');
    expect(ex.order).toEqual(['A', 'B']);
    expect(ex.executions.every((e) => e.stops.length === 1 && e.stops[0]!.force === false)).toBe(
      true,
    );
    expect(interrupted.map((i) => i.id).sort()).toEqual(['A', 'B']);
    expect(o.state.tasks.A).toMatchObject({ status: 'pending', attempts: 0 });
    const last = recorded.filter((e) => e.type === 'task_interrupted') as { reason?: string }[];
    expect(last.map((e) => e.reason)).toEqual(['interrupted by SIGINT', 'interrupted by SIGINT']);
  });

  it('handleSignals: a signal stops the run, a second one forces, the disposer unhooks', async () => {
    const ex = new FakeExecutor(() => 'manual');
    const { o } = setup([['A']], ex);
    const before = process.listenerCount('SIGINT');
    const dispose = o.handleSignals();
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    const done = o.run({ checkInterval: 50 });
    await waitFor(() => ex.executions.length === 1);
    const exec = ex.executions[0]!;
    exec.stop = async (opts = {}) => {
      exec.stops.push({ force: opts.force === true });
      if (opts.force) exec.finish(fail({ kind: 'interrupted' }));
    };
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGINT', 'SIGINT');
    const result = await done;
    dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(result).toMatchObject({ outcome: 'interrupted', signal: 'SIGINT' });
    expect(exec.stops).toEqual([{ force: false }, { force: true }]);
    expect(o.state.tasks.A).toMatchObject({ status: 'pending', error: 'interrupted by SIGINT' });
  });

  it('an attempt the executor reports as interrupted (not by stop) is requeued, not counted', async () => {
    let first = true;
    const ex = new FakeExecutor((spec) => {
      if (spec.task.id === 'A' && first) {
        first = false;
        return fail({ kind: 'interrupted', message: 'job preempted' });
      }
      return ok();
    });
    const { o } = setup([['A'], ['B', ['A']]], ex);
    const interrupted = collect(o, 'task:interrupted');
    const result = await o.run({ checkInterval: 50 });
    expect(result.outcome).toBe('completed');
    expect(interrupted).toEqual([{ id: 'A', reason: 'job preempted' }]);
    expect(ex.startsOf('A').map((e) => e.spec.attempt)).toEqual([1, 1]);
  });

  it('a throwing listener does not disturb the run (it becomes a warning)', async () => {
    const ex = new FakeExecutor();
    const { o } = setup([['A'], ['B', ['A']]], ex);
    const warnings = collect(o, 'warning');
    o.on('task:started', () => {
      throw new Error('listener bug');
    });
    const result = await o.run({ checkInterval: 50 });
    expect(result.outcome).toBe('completed');
    expect(warnings.filter((w) => w.code === 'LISTENER_THREW')).toHaveLength(2);
  });

  it('names leftover processes by task in plan order, whatever order the scan found them', async () => {
    const ex = new FakeExecutor();
    let scans = 0;
    ex.reapStrays = async () =>
      ++scans === 1
        ? { found: false, detail: 'nothing left', taskIds: [] }
        : { found: true, detail: 'stopped 3', taskIds: ['C', 'A', 'B'] };
    const { o } = setup([['A'], ['B'], ['C']], ex);
    const warnings = collect(o, 'warning');
    expect((await o.run({ checkInterval: 50 })).outcome).toBe('completed');
    expect(warnings.find((w) => w.code === 'LEFTOVERS_STOPPED')?.message).toMatch(
      /^processes started by tasks \(A, B, C\) were still running/,
    );
  });

  it('a second stop() forces', async () => {
    const ex = new FakeExecutor(() => 'manual');
    const { o } = setup([['A']], ex);
    const done = o.run({ checkInterval: 50 });
    await waitFor(() => ex.executions.length === 1);
    const exec = ex.executions[0]!;
    // Make the first stop hang like a worker ignoring SIGTERM.
    exec.stop = async (opts = {}) => {
      exec.stops.push({ force: opts.force === true });
      if (opts.force) exec.finish(fail({ kind: 'interrupted' }));
    };
    void o.stop();
    await o.stop();
    await done;
    expect(exec.stops).toEqual([{ force: false }, { force: true }]);
  });

  it('resumes: keeps completed tasks, reaps tasks left in progress, failed stay failed until reset', async () => {
    const rows: Row[] = [['A'], ['B', ['A']], ['C'], ['D', ['C']]];
    const paths = writePlan(rows);
    // The journal a crashed run leaves: A completed, C failed for good, B still running (pid 4242).
    const cascade = parseCascade(planText(rows), { filename: paths.cascadeFile });
    const store = await openStore(paths.stateFile, {
      initialState: () => createState(cascade, { cascadeFile: paths.cascadeFile }),
    });
    const at = new Date().toISOString();
    const usage = {
      input_tokens: 0,
      output_tokens: 0,
      cache_read_tokens: 0,
      cache_creation_tokens: 0,
    };
    const started = (id: string, pid: number) =>
      store.record({
        type: 'task_started',
        at,
        id,
        worker_id: 'worker-1',
        pid,
        pgid: pid,
        log_path: null,
        model: null,
      });
    await store.record({ type: 'run_started', at, pid: 999999, cascade_file: paths.cascadeFile });
    await started('A', 4241);
    await store.record({
      type: 'task_completed',
      at,
      id: 'A',
      exit_code: 0,
      token_usage: usage,
      cost_usd: 0.5,
      model: null,
    });
    await started('C', 4243);
    await store.record({
      type: 'task_failed',
      at,
      id: 'C',
      error: 'exit code 1',
      failure_kind: 'exit_code',
      exit_code: 1,
      token_usage: usage,
      cost_usd: null,
      model: null,
      retry_at: null,
      counts_as_attempt: true,
    });
    await started('B', 4242);
    await store.close();

    const ex2 = new FakeExecutor();
    const o2 = new Orchestrator({ ...paths, executor: ex2 });
    const warnings = collect(o2, 'warning');
    const result = await o2.run({ checkInterval: 50 });
    expect(ex2.reaped.map((r) => [r.id, r.state.pid, r.state.pgid])).toEqual([['B', 4242, 4242]]);
    // Once when the state is opened (a crashed run's strays), once when the run ends (leftovers).
    expect(ex2.strayReaps).toEqual([o2.stateFile, o2.stateFile]);
    expect(warnings.some((w) => w.code === 'TASK_REAPED' && w.message.includes('pid 999999'))).toBe(
      true,
    );
    expect(ex2.order).toEqual(['B']); // A completed before, C failed (stays failed), D blocked
    expect(ex2.startsOf('B')[0]!.spec.attempt).toBe(1); // the interruption did not count
    expect(o2.state.tasks.B).toMatchObject({ status: 'completed', attempts: 1 });
    expect(o2.state.tasks.C!.status).toBe('failed');
    expect(result.outcome).toBe('failed');

    // Clearing C unblocks D.
    const ex3 = new FakeExecutor();
    const o3 = new Orchestrator({ ...paths, executor: ex3 });
    expect(await o3.reset('failed')).toEqual(['C']);
    const r3 = await o3.run({ checkInterval: 50 });
    expect(r3.outcome).toBe('completed');
    expect(ex3.order).toEqual(['C', 'D']);
    expect(r3.costUsd).toBeCloseTo(0.5);
  });

  it('stop() while the state is still opening: nothing starts', async () => {
    const ex = new FakeExecutor();
    const { o } = setup([['A'], ['B']], ex);
    const done = o.run({ checkInterval: 50 });
    await o.stop({ reason: 'interrupted by SIGTERM' });
    expect((await done).outcome).toBe('interrupted');
    expect(ex.executions).toHaveLength(0);
  });

  it('a usage limit recorded by the previous run still pauses new starts on resume', async () => {
    const rows: Row[] = [['A'], ['B']];
    const paths = writePlan(rows);
    const cascade = parseCascade(planText(rows), { filename: paths.cascadeFile });
    const store = await openStore(paths.stateFile, {
      initialState: () => createState(cascade, { cascadeFile: paths.cascadeFile }),
    });
    const at = new Date().toISOString();
    const until = new Date(Date.now() + 200).toISOString();
    const usage = {
      input_tokens: 0,
      output_tokens: 0,
      cache_read_tokens: 0,
      cache_creation_tokens: 0,
    };
    await store.record({
      type: 'task_started',
      at,
      id: 'A',
      worker_id: 'worker-1',
      pid: null,
      pgid: null,
      log_path: null,
      model: null,
    });
    await store.record({
      type: 'task_failed',
      at,
      id: 'A',
      error: 'usage limit',
      failure_kind: 'usage_limit',
      exit_code: 1,
      token_usage: usage,
      cost_usd: null,
      model: null,
      retry_at: until,
      counts_as_attempt: false,
    });
    await store.close();
    let early = 0;
    const ex = new FakeExecutor(() => {
      if (Date.now() < Date.parse(until)) early++;
      return ok();
    });
    const o = new Orchestrator({ ...paths, executor: ex });
    const paused = collect(o, 'run:paused');
    const result = await o.run({ checkInterval: 50 });
    expect(result.outcome).toBe('completed');
    expect(paused).toHaveLength(1);
    expect(early).toBe(0);
    expect(o.state.tasks.A!.attempts).toBe(1);
  });

  it('failFast with retries: a failure that will be retried does not stop the run, a final one does', async () => {
    const ex = new FakeExecutor((spec) => (spec.task.id === 'A' ? fail() : ok()));
    const { o } = setup([['A', [], { retries: 1 }], ['B'], ['C'], ['D', ['B']]], ex, {
      maxWorkers: 1,
      failFast: true,
      retryDelayMs: 40,
      maxRetryDelayMs: 40,
    });
    const started: string[] = [];
    let failedAt = -1;
    o.on('task:started', (e) => started.push(e.id));
    o.on('task:failed', () => {
      failedAt = started.length;
    });
    const result = await o.run({ checkInterval: 50 });
    expect(result.outcome).toBe('fail_fast');
    expect(ex.startsOf('A')).toHaveLength(2);
    expect(failedAt).toBe(started.length); // nothing started after the final failure
    expect(o.state.tasks.A!.status).toBe('failed');
  });

  it('reconciles a changed plan with a warning: completed tasks kept, new ones run', async () => {
    const ex = new FakeExecutor();
    const s = setup([['A'], ['B', ['A']]], ex);
    expect((await s.o.run({ checkInterval: 50 })).outcome).toBe('completed');
    writeFileSync(s.cascadeFile, planText([['A'], ['B', ['A']], ['C', ['B']]]));
    const ex2 = new FakeExecutor();
    const o2 = new Orchestrator({
      cascadeFile: s.cascadeFile,
      stateFile: s.stateFile,
      executor: ex2,
    });
    const warnings = collect(o2, 'warning');
    expect((await o2.run({ checkInterval: 50 })).outcome).toBe('completed');
    expect(warnings.find((w) => w.code === 'PLAN_CHANGED')?.message).toMatch(/added C/);
    expect(ex2.order).toEqual(['C']);
  });

  it('passes Timeout column / run-wide timeout, attempt, worker slot and dependencies to the executor', async () => {
    const ex = new FakeExecutor();
    const { o } = setup(
      [
        ['A', [], { timeout: '90s' }],
        ['B', ['A']],
      ],
      ex,
      { timeout: 5000, maxWorkers: 2 },
    );
    await o.run({ checkInterval: 50 });
    const [a, b] = [ex.startsOf('A')[0]!.spec, ex.startsOf('B')[0]!.spec];
    expect(a).toMatchObject({
      timeoutMs: 90_000,
      attempt: 1,
      workerId: 'worker-1',
      project: 'Test Project',
    });
    expect(b.timeoutMs).toBe(5000);
    expect(b.dependencies).toEqual([
      { id: 'A', name: 'Task A', description: 'Do A', resultText: null },
    ]);
    expect(b.stateFile).toBe(o.stateFile);
  });

  it('records each milestone once, when reached', async () => {
    const ex = new FakeExecutor();
    const { o, dir, stateFile } = setup([['A'], ['B', ['A']], ['C', ['B']], ['D', ['C']]], ex, {});
    void o;
    const milestonesFile = join(dir, 'milestones.yaml');
    writeFileSync(
      milestonesFile,
      [
        'milestones:',
        '  - id: half',
        '    name: Halfway',
        '    message: Half done',
        '    trigger:',
        '      type: percentage_complete',
        '      threshold: 50',
        '  - id: all',
        '    name: All done',
        '    message: Everything',
        '    trigger:',
        '      type: all_tasks_completed',
        '',
      ].join('\n'),
    );
    const o2 = new Orchestrator({
      cascadeFile: o.cascadeFile!,
      stateFile,
      executor: ex,
      milestonesFile,
    });
    const seen = collect(o2, 'milestone');
    const recorded = collect(o2, 'recorded');
    await o2.run({ checkInterval: 50 });
    expect(seen.map((m) => m.id)).toEqual(['half', 'all']);
    expect(o2.state.milestones.map((m) => m.id)).toEqual(['half', 'all']);
    expect(recorded.filter((e) => e.type === 'milestone_reached')).toHaveLength(2);
    // Running again records nothing new.
    const o3 = new Orchestrator({
      cascadeFile: o.cascadeFile!,
      stateFile,
      executor: ex,
      milestonesFile,
    });
    const seen3 = collect(o3, 'milestone');
    await o3.run({ checkInterval: 50 });
    expect(seen3).toEqual([]);
  });

  it('startWorker(id) checks readiness and slots', async () => {
    const ex = new FakeExecutor(() => 'manual');
    const { o } = setup([['A'], ['B', ['A']], ['C']], ex, { maxWorkers: 1 });
    await o.init();
    await expect(o.startWorker('Z')).rejects.toMatchObject({ code: 'UNKNOWN_TASK' });
    await expect(o.startWorker('B')).rejects.toMatchObject({ code: 'TASK_NOT_READY' });
    const started = await o.startWorker('C');
    expect(started).toMatchObject({ id: 'C', attempt: 1, workerId: 'worker-1' });
    expect(o.state.tasks.C!.status).toBe('in_progress');
    await expect(o.startWorker('A')).rejects.toMatchObject({ code: 'NO_FREE_SLOT' });
    ex.executions[0]!.finish(ok());
    await o.close();
    expect(o.state.tasks.C!.status).toBe('completed');
  });

  it('emits typed task events with token progress recorded periodically', async () => {
    const ex = new FakeExecutor(() => 'manual');
    const { o } = setup([['A']], ex);
    const recorded = collect(o, 'recorded');
    const tokens = collect(o, 'task:tokens');
    const completed = collect(o, 'task:completed');
    const done = o.run({ checkInterval: 10 });
    await waitFor(() => ex.executions.length === 1);
    const exec = ex.executions[0]!;
    exec.emit('tokens', {
      usage: {
        input_tokens: 100,
        output_tokens: 7,
        cache_read_tokens: 0,
        cache_creation_tokens: 0,
      },
      costUsd: 0.01,
      model: 'claude-x',
    });
    exec.emit('activity', 'editing src/a.ts');
    await waitFor(() => recorded.some((e) => e.type === 'task_progress'));
    const progress = recorded.find((e) => e.type === 'task_progress')!;
    expect(progress).toMatchObject({ id: 'A', current_step: 'editing src/a.ts', cost_usd: 0.01 });
    exec.finish(
      ok({
        usage: {
          input_tokens: 100,
          output_tokens: 9,
          cache_read_tokens: 0,
          cache_creation_tokens: 0,
        },
        costUsd: 0.02,
      }),
    );
    await done;
    expect(tokens[0]).toMatchObject({ id: 'A', costUsd: 0.01, model: 'claude-x' });
    expect(completed[0]).toMatchObject({ id: 'A', costUsd: 0.02 });
    expect(o.state.tasks.A!.cost_usd).toBe(0.02);
  });

  it('maxIterations stops the run after that many ticks', async () => {
    const ex = new FakeExecutor(() => 'manual');
    const { o } = setup([['A']], ex);
    const result = await o.run({ checkInterval: 10, maxIterations: 3 });
    expect(result.outcome).toBe('max_iterations');
    expect(o.state.tasks.A!.status).toBe('pending');
  });
});

describe('Orchestrator errors', () => {
  it('a missing plan is CASCADE_NOT_FOUND naming the file', () => {
    const dir = tempDir();
    const file = join(dir, 'NOPE.md');
    expect(() => new Orchestrator({ cascadeFile: file })).toThrow(OrchestratorError);
    try {
      new Orchestrator({ cascadeFile: file });
    } catch (e) {
      expect(e).toMatchObject({ code: 'CASCADE_NOT_FOUND', file });
      expect((e as Error).message).toContain(file);
    }
  });

  it('an invalid plan is CASCADE_INVALID with every diagnostic', () => {
    const { cascadeFile } = writePlan([
      ['A', ['B']],
      ['C', ['C']],
    ]);
    let err: OrchestratorError | undefined;
    try {
      new Orchestrator({ cascadeFile });
    } catch (e) {
      err = e as OrchestratorError;
    }
    expect(err).toBeInstanceOf(OrchestratorError);
    expect(err!.code).toBe('CASCADE_INVALID');
    expect(err!.diagnostics.map((d) => d.code).sort()).toEqual([
      'E_SELF_DEPENDENCY',
      'E_UNKNOWN_DEPENDENCY',
    ]);
    expect(err!.message).toMatch(/CASCADE\.md:9:\d+ error E_UNKNOWN_DEPENDENCY/);
  });

  it('bad options are INVALID_OPTIONS', () => {
    const { cascadeFile } = writePlan([['A']]);
    for (const bad of [
      { maxWorkers: 0 },
      { maxWorkers: 1.5 },
      { retries: -1 },
      { maxCost: -1 },
      { workerCommand: [] as string[] },
      { workerCommand: 'node "x' },
    ]) {
      expect(() => new Orchestrator({ cascadeFile, ...bad })).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTIONS' }),
      );
    }
  });

  it('a second orchestrator on the same state is STATE_LOCKED naming the holder pid', async () => {
    const ex = new FakeExecutor();
    const { o, cascadeFile, stateFile } = setup([['A']], ex);
    await o.init();
    const o2 = new Orchestrator({ cascadeFile, stateFile, executor: ex });
    await expect(o2.run()).rejects.toMatchObject({ code: 'STATE_LOCKED', holderPid: process.pid });
    await o.close();
  });

  it('a corrupt state file is STATE_ERROR naming the file, and is left as it was', async () => {
    const { cascadeFile, stateFile } = writePlan([['A']]);
    writeFileSync(stateFile, '{"schema_version": 1, "tasks": ');
    const o = new Orchestrator({ cascadeFile, stateFile, executor: new FakeExecutor() });
    const err = await o.run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrchestratorError);
    expect(err).toMatchObject({ code: 'STATE_ERROR' });
    expect((err as Error).message).toContain(stateFile);
    expect(readFileSync(stateFile, 'utf8')).toBe('{"schema_version": 1, "tasks": ');
  });

  it('a missing milestones file is MILESTONES_NOT_FOUND', async () => {
    const { cascadeFile, stateFile, dir } = writePlan([['A']]);
    const o = new Orchestrator({
      cascadeFile,
      stateFile,
      executor: new FakeExecutor(),
      milestonesFile: join(dir, 'm.yaml'),
    });
    await expect(o.run()).rejects.toMatchObject({ code: 'MILESTONES_NOT_FOUND' });
  });

  it('state queries before init are NOT_INITIALIZED', () => {
    const { cascadeFile } = writePlan([['A']]);
    const o = new Orchestrator({ cascadeFile, executor: new FakeExecutor() });
    expect(() => o.getStatusSummary()).toThrow(
      expect.objectContaining({ code: 'NOT_INITIALIZED' }),
    );
  });
});
