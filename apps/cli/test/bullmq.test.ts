/**
 * `nova run --executor bullmq` with `nova worker`s: a real redis-server, real processes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from '@program-nova/worker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { USAGE_LIMIT_AGENT, waitForLimitPause } from './fixtures/usage-limit-agent.js';
import { killStarted, nova, type Started, startNova, tempDir, waitFor } from './helpers.js';
import { freePort, startRedis, type TestRedis } from './redis-support.js';

let redis: TestRedis;
let redisUrl = '';

beforeAll(async () => {
  redis = await startRedis();
  redisUrl = redis.url;
});

afterAll(() => redis?.stop());

afterEach(() => killStarted());

const AGENT = `import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const id = process.env.NOVA_TASK_ID;
const dir = process.env.AGENT_DIR;
const start = Date.now();
writeFileSync(join(dir, 'pids', id + '.' + process.pid), '');
process.stdout.write('working on ' + id + '\\n');
setTimeout(() => {
  appendFileSync(join(dir, 'runs.jsonl'), JSON.stringify({ id, start, end: Date.now() }) + '\\n');
}, Number(process.env.AGENT_SLEEP_MS));
`;

function plan(n: number, name: string): string {
  const rows = ['| Task ID | Task Name | What Changes | Depends On |', '|---|---|---|---|'];
  for (let i = 1; i <= n; i++) {
    const id = `T-${String(i).padStart(2, '0')}`;
    // A DAG with fan-in and fan-out: each task depends on up to two earlier ones.
    const deps = [i - 1, Math.floor(i / 2)].filter(
      (d, k, a) => d >= 1 && d < i && a.indexOf(d) === k && i % 3 !== 1,
    );
    rows.push(
      `| ${id} | Task ${id} | Do ${id} | ${deps.length ? deps.map((d) => `T-${String(d).padStart(2, '0')}`).join(', ') : '-'} |`,
    );
  }
  return `# ${name}\n\n## L1: Main\n\n### L2: Work\n\n${rows.join('\n')}\n`;
}

function project(n: number, name: string) {
  const t = tempDir();
  t.write('CASCADE.md', plan(n, name));
  const agent = t.write('agent.mjs', AGENT);
  mkdirSync(join(t.dir, 'pids'));
  return { t, agent };
}

function startWorker(dir: string, agent: string, env: NodeJS.ProcessEnv): Started {
  return startNova(
    [
      'worker',
      '--redis',
      redisUrl,
      '--concurrency',
      '4',
      '--worker-cmd',
      `'${process.execPath}' '${agent}'`,
    ],
    dir,
    env,
  );
}

describe('nova run --executor bullmq with nova worker', () => {
  it('two workers run a 50-task plan: each task once, dependencies first, status names the worker', async () => {
    const { t, agent } = project(50, 'Fifty Tasks');
    const env = { AGENT_DIR: t.dir, AGENT_SLEEP_MS: '20' };
    const workers = [startWorker(t.dir, agent, env), startWorker(t.dir, agent, env)];
    await Promise.all(
      workers.map((w) =>
        waitFor(() => w.stdout().includes('queue nova-fifty-tasks'), 'a worker to start'),
      ),
    );
    const run = startNova(
      ['run', '--executor', 'bullmq', '--redis', redisUrl, '-j', '8'],
      t.dir,
      env,
    );
    const exit = await run.exited;
    expect(run.stderr()).toBe('');
    expect(exit.code).toBe(0);
    expect(run.stdout()).toContain(`Executor: BullMQ queue nova-fifty-tasks on ${redisUrl}`);
    expect(run.stdout()).toContain('Workspace: shared');
    expect(run.stdout()).toContain('all 50 tasks completed');
    const runs = readFileSync(join(t.dir, 'runs.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; start: number; end: number });
    const ids = runs.map((r) => r.id);
    expect(ids).toHaveLength(50);
    expect(new Set(ids).size).toBe(50);
    const byId = new Map(runs.map((r) => [r.id, r]));
    const state = JSON.parse(readFileSync(join(t.dir, 'cascade_state.json'), 'utf8'));
    for (const [id, g] of Object.entries(state.graph.tasks) as [
      string,
      { depends_on: string[] },
    ][]) {
      for (const d of g.depends_on)
        expect(byId.get(id)!.start).toBeGreaterThanOrEqual(byId.get(d)!.end);
    }
    const status = JSON.parse(nova(['status', '--json'], t.dir).stdout);
    expect(status.summary).toMatchObject({ totalTasks: 50, completed: 50 });
    const pids = new Set(workers.map((w) => w.child.pid));
    expect(status.runners).toHaveLength(50);
    for (const r of status.runners) expect(pids.has(r.pid)).toBe(true);
    expect(readFileSync(join(t.dir, 'logs', 'T-50.log'), 'utf8')).toContain('working on T-50');
    for (const w of workers) w.child.kill('SIGINT');
    for (const w of workers) expect((await w.exited).code).toBe(130);
  });

  it('a usage limit reported on a worker pauses new starts of the whole run until its stated reset', async () => {
    const t = tempDir();
    t.write(
      'CASCADE.md',
      `# Limited Remote

## L1: App

### L2: Core

| Task ID | Task Name | What Changes | Depends On |
| ------- | --------- | ------------ | ---------- |
| A1      | Base      | The base     | -          |
| A2      | Next      | On A1        | A1         |
| B1      | Side      | Beside it    | -          |
`,
    );
    const agent = t.write('agent.mjs', USAGE_LIMIT_AGENT);
    const worker = startNova(
      [
        'worker',
        '--redis',
        redisUrl,
        '--concurrency',
        '2',
        '--worker-cmd',
        `'${process.execPath}' '${agent}' '${t.dir}' {id}`,
      ],
      t.dir,
    );
    await waitFor(() => worker.stdout().includes('queue nova-limited-remote'), 'the worker');
    const run = startNova(['run', '--executor', 'bullmq', '--redis', redisUrl, '-j', '1'], t.dir);
    const { status, reset } = await waitForLimitPause(t.dir);
    expect(status.paused).toEqual({
      until: new Date(reset).toISOString(),
      reason: 'usage limit reported by A1',
      task: 'A1',
    });
    const exit = await run.exited;
    expect(run.stderr()).toBe('');
    expect(exit.code).toBe(0);
    expect(run.stdout()).toContain('all 3 tasks completed');
    const starts = readFileSync(join(t.dir, 'starts.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; at: number });
    // Each task once, and A1 a second time after its limit.
    expect(starts.map((s) => s.id).sort()).toEqual(['A1', 'A1', 'A2', 'B1']);
    const limited = starts.findIndex((s) => s.id === 'A1');
    // Every start after the limit, of any task, waited for the stated reset.
    const later = starts.slice(limited + 1);
    for (const s of later) expect(s.at).toBeGreaterThanOrEqual(reset);
    worker.child.kill('SIGINT');
    expect((await worker.exited).code).toBe(130);
    t.cleanup();
  });

  it('Ctrl-C of nova run stops the agents on the workers, and their tasks go back to pending', async () => {
    const { t, agent } = project(6, 'Stop Me');
    const env = { AGENT_DIR: t.dir, AGENT_SLEEP_MS: '120000' };
    const worker = startWorker(t.dir, agent, env);
    await waitFor(() => worker.stdout().includes('queue nova-stop-me'), 'the worker to start');
    const run = startNova(
      ['run', '--executor', 'bullmq', '--redis', redisUrl, '-j', '4'],
      t.dir,
      env,
    );
    const agents = await waitFor(() => {
      const found = readdirSync(join(t.dir, 'pids'));
      return found.length >= 2 ? found : null;
    }, 'two agents to start');
    run.child.kill('SIGINT');
    const exit = await run.exited;
    expect(exit.code).toBe(130);
    expect(run.stdout()).toContain('Interrupted: Stop Me');
    const pids = agents.map((f) => Number(f.split('.')[1]));
    // Stopped by the time the run exited (SIGTERM, grace, SIGKILL on the worker's machine).
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
    const status = JSON.parse(nova(['status', '--json'], t.dir).stdout);
    expect(status.summary).toMatchObject({ inProgress: 0, completed: 0, failed: 0, pending: 6 });
    worker.child.kill('SIGINT');
    expect((await worker.exited).code).toBe(130);
  });

  it('kill -9 of nova run: the next nova run follows the jobs that ran on meanwhile; nothing runs twice', async () => {
    const { t, agent } = project(12, 'Adopt Me');
    const env = { AGENT_DIR: t.dir, AGENT_SLEEP_MS: '1500' };
    const worker = startWorker(t.dir, agent, env);
    await waitFor(() => worker.stdout().includes('queue nova-adopt-me'), 'the worker to start');
    const first = startNova(
      ['run', '--executor', 'bullmq', '--redis', redisUrl, '-j', '4'],
      t.dir,
      env,
    );
    // Once some task completed and others run, the orchestrator dies; its jobs go on.
    await waitFor(
      () => first.stdout().match(/^completed/m) && /^started/m.test(first.stdout()),
      'a completion',
    );
    const running = readdirSync(join(t.dir, 'pids')).length;
    first.child.kill('SIGKILL');
    await first.exited;
    // Let what was running finish while no orchestrator is there.
    await waitFor(() => {
      const f = join(t.dir, 'runs.jsonl');
      return existsSync(f) && readFileSync(f, 'utf8').trim().split('\n').length >= running;
    }, 'the running jobs to finish');
    const second = startNova(
      ['run', '--executor', 'bullmq', '--redis', redisUrl, '-j', '4'],
      t.dir,
      env,
    );
    const exit = await second.exited;
    expect(exit.code).toBe(0);
    expect(second.stdout()).toContain('all 12 tasks completed');
    expect(second.stderr()).toContain('followed again, not restarted');
    const ids = readFileSync(join(t.dir, 'runs.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids, `${second.stderr()}\n${first.stdout()}\n${second.stdout()}`).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    worker.child.kill('SIGINT');
    await worker.exited;
  });

  it('after --rerun-changed, a kill -9 of nova run: the next run follows the job of the new series; nothing runs again', async () => {
    const { t, agent } = project(1, 'Adopt After Reset');
    const env = { AGENT_DIR: t.dir, AGENT_SLEEP_MS: '1500' };
    const worker = startWorker(t.dir, agent, env);
    await waitFor(() => worker.stdout().includes('queue nova-adopt-after-reset'), 'the worker');
    const runArgs = ['run', '--executor', 'bullmq', '--redis', redisUrl];
    const agentRuns = () => {
      const f = join(t.dir, 'runs.jsonl');
      return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').length : 0;
    };
    expect((await startNova(runArgs, t.dir, env).exited).code).toBe(0);
    expect(agentRuns()).toBe(1);
    // The plan entry changes: --rerun-changed resets the task (its attempts count from 1 again).
    t.write('CASCADE.md', plan(1, 'Adopt After Reset').replace('| Do T-01 |', '| Do T-01 again |'));
    const second = startNova([...runArgs, '--rerun-changed'], t.dir, env);
    await waitFor(() => /^started/m.test(second.stdout()), 'the task to start');
    second.child.kill('SIGKILL');
    await second.exited;
    await waitFor(() => agentRuns() === 2, 'the job to finish while no orchestrator is there');
    const third = startNova(runArgs, t.dir, env);
    const exit = await third.exited;
    expect(exit.code, third.stderr()).toBe(0);
    expect(third.stderr()).toContain('followed again, not restarted');
    expect(agentRuns()).toBe(2);
    const state = JSON.parse(readFileSync(join(t.dir, 'cascade_state.json'), 'utf8'));
    expect(state.tasks['T-01']).toMatchObject({ status: 'completed', attempts: 1, resets: 1 });
    worker.child.kill('SIGINT');
    await worker.exited;
  });

  it('bad input: Redis unreachable, worktree mode, a missing URL: one line each, exit 2', async () => {
    const { t } = project(2, 'Bad Input');
    const port = await freePort();
    const down = nova(
      ['run', '--executor', 'bullmq', '--redis', `redis://:hunter2@127.0.0.1:${port}`],
      t.dir,
    );
    expect(down.code).toBe(2);
    expect(down.stderr).toBe(
      `nova: error: cannot reach Redis at redis://:***@127.0.0.1:${port}: connection refused\n`,
    );
    const worker = nova(
      ['worker', '--redis', `redis://127.0.0.1:${port}`, '--agent', 'simulated'],
      t.dir,
    );
    expect(worker.code).toBe(2);
    expect(worker.stderr).toBe(
      `nova: error: cannot reach Redis at redis://127.0.0.1:${port}: connection refused\n`,
    );
    const worktree = nova(
      ['run', '--executor', 'bullmq', '--redis', redisUrl, '--workspace', 'worktree'],
      t.dir,
    );
    expect(worktree.code).toBe(2);
    expect(worktree.stderr).toContain(
      '--workspace worktree with --executor bullmq needs --repo <url>: a git remote every worker machine can reach',
    );
    const missing = nova(
      ['worker', '--redis', redisUrl, '--worker-cmd', 'no-such-agent-xyz'],
      t.dir,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      "nova: error: the worker command 'no-such-agent-xyz' was not found (not on PATH, or not an executable file)\n",
    );
    const noUrl = nova(['run', '--executor', 'bullmq'], t.dir, { NOVA_REDIS_URL: '' });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('--executor bullmq needs the Redis URL');
    expect(existsSync(join(t.dir, 'cascade_state.json'))).toBe(false);
    rmSync(t.dir, { recursive: true, force: true });
  });
});
