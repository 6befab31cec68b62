/**
 * Against a real redis-server: workers in processes of their own, the orchestrator in this one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Executor, failureOutcome, Orchestrator } from '@program-nova/orchestrator';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqExecutor, BullmqExecutorError, NovaWorker, queueNameOf } from '../src/index.js';
import { outcomeToWire } from '../src/job-data.js';
import { freePort, startRedis, type TestRedis } from './redis-server.js';

const here = dirname(fileURLToPath(import.meta.url));
const AGENT = join(here, 'fixtures', 'agent.mjs');
const WORKER = join(here, 'fixtures', 'worker-process.mjs');

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

type Row = [string, string[]];

function project(rows: Row[], name: string) {
  const dir = mkdtempSync(join(tmpdir(), 'nova-bullmq-'));
  const lines = [
    `# ${name}`,
    '',
    '## L1: Main',
    '',
    '### L2: Work',
    '',
    '| Task ID | Task Name | What Changes | Depends On |',
    '|---|---|---|---|',
  ];
  for (const [id, deps] of rows)
    lines.push(`| ${id} | Task ${id} | Do ${id} | ${deps.length ? deps.join(', ') : '-'} |`);
  writeFileSync(join(dir, 'CASCADE.md'), `${lines.join('\n')}\n`);
  const records = join(dir, 'records');
  mkdirSync(records);
  return {
    dir,
    records,
    cascadeFile: join(dir, 'CASCADE.md'),
    stateFile: join(dir, 'cascade_state.json'),
    logsDir: join(dir, 'logs'),
  };
}

type Project = ReturnType<typeof project>;

/** The project's executor on the test's Redis (or `url`), looking at each job every 500 ms. */
function openExecutor(p: Project, queue: string, url = redis.url): Promise<BullmqExecutor> {
  return BullmqExecutor.open({ redis: url, queue, logsDir: p.logsDir, checkIntervalMs: 500 });
}

/** An orchestrator of the project's plan and state through `executor`. */
function orchestratorOf(p: Project, executor: Executor, maxWorkers: number): Orchestrator {
  return new Orchestrator({
    cascadeFile: p.cascadeFile,
    stateFile: p.stateFile,
    logsDir: p.logsDir,
    executor,
    maxWorkers,
  });
}

interface Run {
  id: string;
  start: number;
  end: number;
  argv: string[];
}

function runs(records: string): Run[] {
  const f = join(records, 'runs.txt');
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Run);
}

interface ChildWorker {
  child: ChildProcess;
  taken: string[];
  ready: Promise<void>;
}

function spawnWorker(
  queue: string,
  dir: string,
  records: string,
  extra: Record<string, unknown> = {},
  env: Record<string, string> = {},
): ChildWorker {
  const options = {
    redis: redis.url,
    lockDurationMs: 5000,
    queue,
    concurrency: 2,
    command: ['node', AGENT, '--task', '{id}'],
    stdin: null,
    logsDir: join(dir, `worker-logs-${Math.random().toString(36).slice(2)}`),
    cwd: dir,
    killGraceMs: 500,
    ...extra,
  };
  const child = spawn(process.execPath, [WORKER, JSON.stringify(options)], {
    env: { ...process.env, AGENT_RECORD_DIR: records, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const taken: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (l === 'ready') resolve();
        if (l.startsWith('taken ')) taken.push(l.slice(6));
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
  });
  return { child, taken, ready };
}

async function stopWorker(w: ChildWorker): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  const exited = new Promise((r) => w.child.once('exit', r));
  w.child.kill('SIGTERM');
  await exited;
}

function twelveTasks(): Row[] {
  return [
    ['T-01', []],
    ['T-02', []],
    ['T-03', ['T-01']],
    ['T-04', ['T-01', 'T-02']],
    ['T-05', ['T-03']],
    ['T-06', ['T-04']],
    ['T-07', ['T-05', 'T-06']],
    ['T-08', []],
    ['T-09', ['T-08']],
    ['T-10', ['T-09', 'T-07']],
    ['T-11', ['T-02']],
    ['T-12', ['T-10', 'T-11']],
    ['T-13', ['T-12']],
  ];
}

describe('BullmqExecutor with real workers', () => {
  it('two workers run every task exactly once, in dependency order, and the state names the worker', async () => {
    const rows = twelveTasks();
    const p = project(rows, 'Twelve Tasks');
    const queue = queueNameOf('Twelve Tasks');
    const workers = [spawnWorker(queue, p.dir, p.records), spawnWorker(queue, p.dir, p.records)];
    await Promise.all(workers.map((w) => w.ready));
    const executor = await openExecutor(p, queue);
    try {
      const o = orchestratorOf(p, executor, 4);
      const result = await o.run({ checkInterval: 100 });
      expect(result.outcome).toBe('completed');
      const done = runs(p.records);
      expect(done.map((r) => r.id).sort()).toEqual(rows.map(([id]) => id).sort());
      const byId = new Map(done.map((r) => [r.id, r]));
      for (const [id, deps] of rows)
        for (const d of deps) expect(byId.get(id)!.start).toBeGreaterThanOrEqual(byId.get(d)!.end);
      const state = JSON.parse(readFileSync(p.stateFile, 'utf8'));
      const pids = new Set(workers.map((w) => w.child.pid));
      for (const [id] of rows) {
        expect(state.tasks[id].status).toBe('completed');
        expect(pids.has(state.tasks[id].runner.pid)).toBe(true);
        // The output reached the orchestrator's own log file.
        expect(readFileSync(join(p.logsDir, `${id}.log`), 'utf8')).toContain(`working on ${id}`);
      }
      expect(state.tasks['T-01'].token_usage.input_tokens).toBe(10);
      expect(new Set(workers.flatMap((w) => w.taken)).size).toBe(rows.length);
    } finally {
      await executor.close();
      await Promise.all(workers.map(stopWorker));
    }
  });

  it('kill -9 of a worker during a task: worker_lost is recorded and the task completes once on the other', async () => {
    const rows: Row[] = [
      ['K-01', []],
      ['K-02', ['K-01']],
      ['K-03', []],
    ];
    const p = project(rows, 'Kill Test');
    const queue = queueNameOf('Kill Test');
    const env = { AGENT_SLOW_TASK: 'K-02', AGENT_SLOW_MS: '60000' };
    const fast = { lockDurationMs: 1500, stalledIntervalMs: 700 };
    const a = spawnWorker(queue, p.dir, p.records, fast, env);
    await a.ready;
    const executor = await openExecutor(p, queue);
    let b: ChildWorker | null = null;
    try {
      const o = orchestratorOf(p, executor, 4);
      const recorded: { type: string; id?: string; failure_kind?: string; error?: string }[] = [];
      o.on('recorded', (t) => recorded.push(t as never));
      const running = o.run({ checkInterval: 100 });
      // Once K-02's agent is running on worker a: kill the worker and its agent (the machine dies).
      const end = Date.now() + 60_000;
      let agentPid: number | null = null;
      while (agentPid === null && Date.now() < end) {
        const f = readdirSync(p.records).find((n) => n.startsWith('K-02.') && n.endsWith('.pid'));
        if (f) agentPid = Number(readFileSync(join(p.records, f), 'utf8'));
        else await new Promise((r) => setTimeout(r, 50));
      }
      expect(agentPid).not.toBeNull();
      a.child.kill('SIGKILL');
      process.kill(agentPid!, 'SIGKILL');
      b = spawnWorker(queue, p.dir, p.records, fast, env);
      await b.ready;
      const result = await running;
      expect(result.outcome).toBe('completed');
      const done = runs(p.records)
        .map((r) => r.id)
        .sort();
      expect(done).toEqual(['K-01', 'K-02', 'K-03']);
      expect(b.taken).toContain('K-02');
      const lost = recorded.filter((e) => e.type === 'task_failed' && e.id === 'K-02');
      expect(lost.map((e) => e.failure_kind)).toEqual(['worker_lost']);
      expect(lost[0].error).toContain(`pid ${a.child.pid}`);
      const state = JSON.parse(readFileSync(p.stateFile, 'utf8'));
      expect(state.tasks['K-02']).toMatchObject({
        status: 'completed',
        attempts: 1,
        runner: { pid: b.child.pid },
      });
    } finally {
      await executor.close();
      if (b) await stopWorker(b);
    }
  });

  it("late events of a job id's earlier job (an interrupted attempt queued again) do not speak for the new one", async () => {
    const p = project([['L-01', []]], 'Late Events');
    const queue = queueNameOf('Late Events');
    const executor = await openExecutor(p, queue);
    let w: ChildWorker | null = null;
    try {
      const o = orchestratorOf(p, executor, 1);
      const recorded: { type: string; id?: string; runner?: { pid: number } }[] = [];
      o.on('recorded', (t) => recorded.push(t as never));
      const running = o.run({ checkInterval: 100 });
      const end = Date.now() + 30_000;
      let jobId: string | undefined;
      while (jobId === undefined && Date.now() < end) {
        jobId = (await executor.queue.getJobs(['waiting', 'prioritized']))[0]?.id;
        if (jobId === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      expect(jobId).toMatch(/:L-01:1$/);
      // What the queue's event stream still delivers, late, after an interrupted attempt's job was
      // removed and the attempt queued again under the same id: its worker's progress and outcome.
      const client = new Redis(redis.url);
      const gone = { host: 'gone-host', pid: 4_000_001 };
      await client.xadd(
        executor.queue.keys.events!,
        '*',
        'event',
        'progress',
        'jobId',
        jobId!,
        'data',
        JSON.stringify({ runner: gone, step: 'an earlier job' }),
      );
      await client.xadd(
        executor.queue.keys.events!,
        '*',
        'event',
        'completed',
        'jobId',
        jobId!,
        'returnvalue',
        JSON.stringify(outcomeToWire(failureOutcome('interrupted', 'stopped by its worker', true))),
        'prev',
        'active',
      );
      client.disconnect();
      w = spawnWorker(queue, p.dir, p.records);
      await w.ready;
      const result = await running;
      expect(result.outcome).toBe('completed');
      expect(runs(p.records).map((r) => r.id)).toEqual(['L-01']);
      // Started once, on the worker that took the job; no interruption, no lost worker.
      expect(recorded.filter((t) => t.id === 'L-01').map((t) => t.type)).toEqual([
        'task_started',
        'task_completed',
      ]);
      expect(recorded.find((t) => t.type === 'task_started')!.runner!.pid).toBe(w.child.pid);
    } finally {
      await executor.close();
      if (w) await stopWorker(w);
    }
  });

  it('a finished job a crash left in Redis never stands in for the attempt after nova retry or --rerun-changed', async () => {
    const p = project([['S-01', []]], 'Stale Jobs');
    const queue = queueNameOf('Stale Jobs');
    const w = spawnWorker(queue, p.dir, p.records, {}, { AGENT_FAIL_ONCE_TASK: 'S-01' });
    await w.ready;
    const executor = await openExecutor(p, queue);
    // An orchestrator killed after journaling each outcome, before removing its job: the job stays.
    const dying: Executor = {
      start(spec) {
        const e = executor.start(spec);
        e.acknowledge = () => {};
        return e;
      },
      reap: (a) => executor.reap(a),
    };
    const run = (x: Executor, more: { rerunChanged?: boolean } = {}) =>
      new Orchestrator({
        cascadeFile: p.cascadeFile,
        stateFile: p.stateFile,
        logsDir: p.logsDir,
        executor: x,
        maxWorkers: 2,
        ...more,
      }).run({ checkInterval: 100 });
    // Every start of the agent leaves a pid file, whatever it then does.
    const agentRuns = () =>
      readdirSync(p.records).filter((n) => n.startsWith('S-01.') && n.endsWith('.pid')).length;
    const finishedJobs = async () =>
      (await executor.queue.getJobs(['completed', 'failed'])).map((j) => j.id).sort();
    const task = () => JSON.parse(readFileSync(p.stateFile, 'utf8')).tasks['S-01'];
    try {
      // The agent fails; the failure is recorded and its job (`…:S-01:1`) stays in Redis.
      expect((await run(dying)).outcome).toBe('failed');
      expect(agentRuns()).toBe(1);
      expect(task()).toMatchObject({ status: 'failed', attempts: 1 });
      // The reason names the log beside the state, not the worker's own copy.
      expect(task().error).toContain(`Log: ${join(p.logsDir, 'S-01.log')}`);
      const [failedJob] = await finishedJobs();
      expect(failedJob).toMatch(/:S-01:1$/);

      // nova retry: attempts count from 1 again. The agent really runs, and succeeds this time.
      const retry = new Orchestrator({ cascadeFile: p.cascadeFile, stateFile: p.stateFile });
      expect(await retry.reset(['S-01'])).toEqual(['S-01']);
      await retry.close();
      expect((await run(dying)).outcome).toBe('completed');
      expect(agentRuns()).toBe(2);
      expect(task()).toMatchObject({ status: 'completed', attempts: 1, resets: 1 });
      expect(readFileSync(join(p.logsDir, 'S-01.log'), 'utf8')).toContain('working on S-01');
      // The new series' first attempt dropped the earlier series' job; its own stayed ("crash").
      const [completedJob] = await finishedJobs();
      expect(await finishedJobs()).toEqual([completedJob]);
      expect(completedJob).toBe(failedJob!.replace(/:1$/, ':1.1'));
      expect((await executor.queue.getJob(completedJob!))!.returnvalue.ok).toBe(true);

      // --rerun-changed after the plan entry changed: runs again too, past the completed job left.
      writeFileSync(
        p.cascadeFile,
        readFileSync(p.cascadeFile, 'utf8').replace('| Do S-01 |', '| Do S-01 again |'),
      );
      expect((await run(executor, { rerunChanged: true })).outcome).toBe('completed');
      expect(agentRuns()).toBe(3);
      expect(task()).toMatchObject({ status: 'completed', attempts: 1, resets: 2 });
      // The job left by the last "crash" went, and so did this run's own once recorded.
      expect(await finishedJobs()).toEqual([]);
    } finally {
      await executor.close();
      await stopWorker(w);
    }
  });

  it('a job sent straight into the queue with a "command" runs only the configured agent', async () => {
    const p = project([['H-01', []]], 'Hostile');
    const queue = queueNameOf('Hostile');
    const marker = join(p.dir, 'pwned');
    const w = spawnWorker(queue, p.dir, p.records);
    await w.ready;
    const q = new Queue(queue, { connection: { host: '127.0.0.1', port: redis.port } });
    const events = new QueueEvents(queue, { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      await events.waitUntilReady();
      const job = await q.add('nova-task', {
        run: 'hostile',
        attempt: 1,
        project: 'Hostile',
        task: { id: 'H-01', name: 'x', description: 'y', branch: 'b', group: 'g', dependsOn: [] },
        dependencies: [],
        command: ['sh', '-c', `touch ${marker}`],
        stdin: `touch ${marker}`,
        env: { PATH: '/nonexistent' },
      });
      const value = await job.waitUntilFinished(events, 60_000);
      expect(value.ok).toBe(true);
      const done = runs(p.records);
      expect(done).toHaveLength(1);
      expect(done[0]!.argv).toEqual(['--task', 'H-01']);
      expect(existsSync(marker)).toBe(false);
    } finally {
      await events.close();
      await q.close();
      await stopWorker(w);
    }
  });

  it('an unreachable Redis and a wrong password are one clear error each, without the password', async () => {
    const port = await freePort();
    const logsDir = mkdtempSync(join(tmpdir(), 'nova-bullmq-'));
    const unreachable = await BullmqExecutor.open({
      redis: `redis://127.0.0.1:${port}`,
      queue: 'q',
      logsDir,
    }).catch((e: unknown) => e);
    expect(unreachable).toMatchObject({ code: 'REDIS_UNREACHABLE' });
    expect((unreachable as Error).message).toBe(
      `cannot reach Redis at redis://127.0.0.1:${port}: connection refused`,
    );
    const locked = await startRedis({ password: 'right-one' });
    try {
      let err: unknown;
      try {
        await NovaWorker.start({
          redis: `redis://:wrong-one@127.0.0.1:${locked.port}`,
          queue: 'q',
          logsDir,
        });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BullmqExecutorError);
      expect(err).toMatchObject({ code: 'REDIS_AUTH' });
      expect((err as Error).message).toBe(
        `Redis at redis://:***@127.0.0.1:${locked.port} refused the credentials: wrong password or user name`,
      );
    } finally {
      await locked.stop();
    }
  });
});

describe('a Redis restart (AOF on) in the middle of a run', () => {
  it('workers and the orchestrator reconnect and every task completes once', async () => {
    const durable = await startRedis({ aof: true });
    const rows = twelveTasks();
    const p = project(rows, 'Restart Test');
    const queue = queueNameOf('Restart Test');
    const url = durable.url;
    const workers = [0, 1].map(() =>
      spawnWorker(queue, p.dir, p.records, { redis: url }, { AGENT_SLEEP_MS: '300' }),
    );
    await Promise.all(workers.map((w) => w.ready));
    const executor = await openExecutor(p, queue, url);
    try {
      const o = orchestratorOf(p, executor, 4);
      const running = o.run({ checkInterval: 100 });
      const end = Date.now() + 60_000;
      while (runs(p.records).length < 3 && Date.now() < end)
        await new Promise((r) => setTimeout(r, 50));
      await durable.restart();
      const result = await running;
      const state = JSON.parse(readFileSync(p.stateFile, 'utf8'));
      const failed = Object.entries(state.tasks).filter(
        ([, t]) => (t as { status: string }).status !== 'completed',
      );
      expect(failed).toEqual([]);
      expect(result.outcome).toBe('completed');
      const ids = runs(p.records).map((r) => r.id);
      expect(ids.sort()).toEqual(rows.map(([id]) => id).sort());
    } finally {
      await executor.close();
      await Promise.all(workers.map(stopWorker));
      await durable.stop();
    }
  });
});
