/**
 * Ctrl-C of a `nova worker` mid-task, end to end: the built `nova run --executor bullmq` and two
 * `nova worker`s on a real redis-server, with a fake agent that holds its task until stopped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BullmqExecutor } from '@program-nova/executor-bullmq';
import { isProcessAlive } from '@program-nova/worker';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { STOPPABLE_AGENT } from './fixtures/stoppable-agent.js';
import { killStarted, nova, type Started, startNova, tempDir, waitFor } from './helpers.js';
import { startRedis, type TestRedis } from './redis-support.js';

let redis: TestRedis;
const dirs: { dir: string; cleanup(): void }[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterEach(() => {
  killStarted();
  // A failed test may have killed a worker with its agents still holding tasks: their groups go too.
  for (const t of dirs)
    for (const s of lines<Start>(join(t.dir, 'starts.jsonl')))
      if (isProcessAlive(-s.pid)) process.kill(-s.pid, 'SIGKILL');
});

afterAll(() => {
  redis?.stop();
  for (const d of dirs) d.cleanup();
});

/** Two independent tasks: one for the stopped worker to hold, one left waiting in the queue. */
function plan(name: string): string {
  return `# ${name}

## L1: Main

### L2: Work

| Task ID | Task Name | What Changes | Depends On |
| ------- | --------- | ------------ | ---------- |
| T-01    | One       | Do one       | -          |
| T-02    | Two       | Do two       | -          |
`;
}

function lines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);
}

interface Start {
  id: string;
  worker: string;
  pid: number;
}

/** The tasks whose jobs wait in the queue for a worker (taken by none). */
async function waiting(queue: BullmqExecutor['queue']): Promise<string> {
  const jobs = await queue.getJobs(['waiting', 'prioritized']);
  return jobs
    .map((j) => (j.data as { task: { id: string } }).task.id)
    .sort()
    .join();
}

/** Its exit, or an error naming what it printed when it does not exit (a worker that hangs). */
async function exitOf(p: Started, what: string) {
  let exit: Awaited<Started['exited']> | null = null;
  void p.exited.then((e) => {
    exit = e;
  });
  try {
    return await waitFor(() => exit, what);
  } catch (e) {
    throw new Error(`${(e as Error).message}; it printed:\n${p.stdout()}${p.stderr()}`);
  }
}

/**
 * A project of `plan(name)`, worker A (one task at a time, its agent in `mode`) serving it and
 * `nova run` started with room for both tasks. Resolves once A's agent holds one task and the other
 * task's job waits in the queue, where A could take it were it still taking jobs.
 */
async function holdOne(name: string, queue: string, mode: 'hold' | 'stubborn') {
  const t = tempDir();
  dirs.push(t);
  t.write('CASCADE.md', plan(name));
  const agent = t.write('agent.mjs', STOPPABLE_AGENT);
  const worker = (label: string, agentMode: string, concurrency: number) =>
    startNova(
      [
        'worker',
        '--redis',
        redis.url,
        '--concurrency',
        String(concurrency),
        '--worker-cmd',
        `'${process.execPath}' '${agent}' '${t.dir}' ${label} ${agentMode}`,
      ],
      t.dir,
    );
  const a = worker('A', mode, 1);
  const workers = [a];
  const more = (label: string, agentMode: string, concurrency: number) => {
    const w = worker(label, agentMode, concurrency);
    workers.push(w);
    return w;
  };
  await waitFor(() => a.stdout().includes(`queue ${queue}`), 'worker A to start');
  const run = startNova(['run', '--executor', 'bullmq', '--redis', redis.url, '-j', '2'], t.dir);
  onTestFailed(() => {
    const out = (p: Started) => `${p.stdout()}${p.stderr()}`;
    console.error(`nova run:\n${out(run)}\n${workers.map((w) => `worker:\n${out(w)}`).join('\n')}`);
  });
  const starts = join(t.dir, 'starts.jsonl');
  const taken = await waitFor(() => lines<Start>(starts)[0], 'worker A to start an agent');
  expect(taken.worker).toBe('A');
  const held = await waitFor(() => {
    const f = join(t.dir, `held-${taken.id}.json`);
    return existsSync(f)
      ? (JSON.parse(readFileSync(f, 'utf8')) as { pid: number; child?: number })
      : null;
  }, 'the agent to be under way');
  expect(held.pid).toBe(taken.pid);
  const other = taken.id === 'T-01' ? 'T-02' : 'T-01';
  const look = await BullmqExecutor.open({ redis: redis.url, queue, logsDir: join(t.dir, 'look') });
  await waitFor(async () => (await waiting(look.queue)) === other, 'the other job in the queue');
  return { t, a, run, taken, held, other, look, starts, worker: more };
}

describe('Ctrl-C of a nova worker', { timeout: 120_000 }, () => {
  it('stops taking jobs and stops its agent; the task runs again on another worker, once, not as a failure', async () => {
    const { t, a, run, taken, held, other, look, starts, worker } = await holdOne(
      'Stop Worker',
      'nova-stop-worker',
      'hold',
    );

    a.child.kill('SIGINT');
    const aExit = await exitOf(a, 'worker A to exit');
    expect(aExit.code).toBe(130);
    expect(a.stdout()).toContain('SIGINT: stopping; running tasks go back to the queue\n');
    expect(a.stderr()).toBe('');
    // The worker waited for its agent's whole process group before it exited.
    expect(isProcessAlive(held.pid)).toBe(false);
    expect(isProcessAlive(held.child!)).toBe(false);
    expect(isProcessAlive(-held.pid)).toBe(false);
    // It took nothing after the signal: neither the other task nor the one it gave back.
    expect(a.stdout().match(/^started /gm)).toEqual(['started ']);
    expect(a.stdout()).toContain(`stopped ${taken.id}\n`);
    expect(a.stdout()).not.toMatch(/^(completed|failed)/m);

    // The run saw the task stop and queued it again; with no worker left, nothing runs.
    await waitFor(
      () => new RegExp(`^stopped {3}${taken.id} `, 'm').test(run.stdout()),
      'the run to report the task stopped',
    );
    // Saying why: the worker was shut down (not "stopped by Nova").
    expect(run.stdout()).toMatch(
      new RegExp(
        `^stopped {3}${taken.id} .*its worker .+ \\(pid ${a.child.pid}\\) was shut down`,
        'm',
      ),
    );
    await waitFor(async () => (await waiting(look.queue)) === 'T-01,T-02', 'both jobs queued');
    await look.close();
    const between = JSON.parse(nova(['status', '--json'], t.dir).stdout);
    expect(between.summary).toMatchObject({ completed: 0, failed: 0, inProgress: 0, pending: 2 });
    expect(lines(starts)).toHaveLength(1);

    // A second worker takes both: the stopped task again, and the one that waited.
    const b = worker('B', 'finish', 2);
    const exit = await run.exited;
    expect(run.stderr()).toBe('');
    expect(exit.code).toBe(0);
    expect(run.stdout()).toContain('Done: Stop Worker: all 2 tasks completed');
    expect(run.stdout()).not.toMatch(/^(failed|retrying) /m);

    const all = lines<Start>(starts);
    expect(all[0]).toMatchObject({ id: taken.id, worker: 'A' });
    expect(
      all
        .slice(1)
        .map((s) => `${s.worker}:${s.id}`)
        .sort(),
    ).toEqual(['B:T-01', 'B:T-02']);
    const done = lines<{ id: string; worker: string }>(join(t.dir, 'done.jsonl'));
    expect(done.map((d) => `${d.worker}:${d.id}`).sort()).toEqual(['B:T-01', 'B:T-02']);

    // The interruption is no attempt and no failure: each task completed at its first attempt.
    const state = JSON.parse(readFileSync(join(t.dir, 'cascade_state.json'), 'utf8'));
    for (const id of [taken.id, other]) {
      expect(state.tasks[id]).toMatchObject({
        status: 'completed',
        attempts: 1,
        error: null,
        failure_kind: null,
        retry_at: null,
        runner: { pid: b.child.pid },
      });
    }
    expect(state.project.outcome).toBe('completed');

    b.child.kill('SIGINT');
    expect((await exitOf(b, 'worker B to exit')).code).toBe(130);
    expect(b.stdout().match(/^completed /gm)).toHaveLength(2);
  });

  it('a second Ctrl-C during the grace kills the agent at once; the worker still exits 130 and the task runs again', async () => {
    const { t, a, run, taken, held, look, starts, worker } = await holdOne(
      'Stop Worker Twice',
      'nova-stop-worker-twice',
      'stubborn',
    );
    await look.close();

    a.child.kill('SIGINT');
    // Its agent ignores SIGTERM: the worker is in the grace before SIGKILL when the second comes.
    await waitFor(() => a.stdout().includes('SIGINT: stopping;'), 'worker A to start stopping');
    a.child.kill('SIGINT');
    const aExit = await exitOf(a, 'worker A to exit');
    expect(aExit).toEqual({ code: 130, signal: null });
    expect(a.stdout()).toContain('SIGINT again: stopping the running agents now (SIGKILL)\n');
    expect(a.stdout()).toContain(`stopped ${taken.id}\n`);
    expect(a.stderr()).toBe('');
    // Not left running without a worker: the second signal did not just end the worker.
    expect(isProcessAlive(held.pid)).toBe(false);
    expect(a.stdout().match(/^started /gm)).toEqual(['started ']);

    const b = worker('B', 'finish', 2);
    const exit = await run.exited;
    expect(exit.code, run.stderr()).toBe(0);
    expect(run.stdout()).toContain('all 2 tasks completed');
    expect(run.stdout()).not.toMatch(/^(failed|retrying) /m);
    expect(
      lines<Start>(starts)
        .map((s) => `${s.worker}:${s.id}`)
        .sort(),
    ).toEqual([`A:${taken.id}`, 'B:T-01', 'B:T-02'].sort());
    const state = JSON.parse(readFileSync(join(t.dir, 'cascade_state.json'), 'utf8'));
    expect(state.tasks[taken.id]).toMatchObject({ status: 'completed', attempts: 1 });
    b.child.kill('SIGINT');
    expect((await exitOf(b, 'worker B to exit')).code).toBe(130);
  });
});
