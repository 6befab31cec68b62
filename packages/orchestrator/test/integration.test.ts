/**
 * End-to-end with real processes: the default LocalExecutor runs test/fixtures/task-worker.mjs,
 * which records its own start/end stamps and checks the journal itself when it starts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { journalPathFor, readState } from '@program-nova/state/store';
import { createWorkerHost, type WorkerHost } from '@program-nova/worker';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Orchestrator, type OrchestratorOptions } from '../src/index.js';
import { scanProcesses } from '../src/proc-scan.js';
import { type Row, writePlan } from './plan.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const WORKER = join(here, 'fixtures', 'task-worker.mjs');
const RUNNER = join(here, 'fixtures', 'run-orchestrator.mjs');

type Rec = {
  id: string;
  event: 'start' | 'end';
  pid: number;
  t: number;
  depsJournaled: boolean | null;
  attempt: number;
};
type Entry = { seq: number; type: string; id?: string; [k: string]: unknown };

/** Set by the mode's beforeEach: the run starts its workers from this host. */
let workerHost: WorkerHost | undefined;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0))
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function records(file: string): Rec[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.pop(); // complete lines only
  return lines.filter(Boolean).map((l) => JSON.parse(l) as Rec);
}

function journal(stateFile: string): Entry[] {
  // Complete lines only: a last line without its newline may still be being written.
  const lines = readFileSync(journalPathFor(stateFile), 'utf8').split('\n');
  lines.pop();
  return lines.filter(Boolean).map((l) => JSON.parse(l) as Entry);
}

/** Greatest number of workers alive at once, from the workers' own stamps. */
function maxOverlap(recs: Rec[]): number {
  const points = recs
    .filter((r) => r.event === 'start' || r.event === 'end')
    .map((r) => ({ t: r.t, d: r.event === 'start' ? 1 : -1 }))
    // An end and a start at the same instant: count the end first (the slot was freed).
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let live = 0;
  let max = 0;
  for (const p of points) {
    live += p.d;
    max = Math.max(max, live);
  }
  return max;
}

function setup(
  rows: Row[],
  env: Record<string, string> = {},
  options: Partial<OrchestratorOptions> = {},
) {
  const paths = writePlan(rows);
  const recordFile = join(paths.dir, 'runs.jsonl');
  const deps = Object.fromEntries(rows.map(([id, d = []]) => [id, d]));
  const options_: OrchestratorOptions = {
    cascadeFile: paths.cascadeFile,
    stateFile: paths.stateFile,
    logsDir: paths.logsDir,
    workerCommand: [process.execPath, WORKER],
    workerStdin: null,
    cwd: paths.dir,
    env: {
      ...process.env,
      RECORD_FILE: recordFile,
      COUNT_DIR: paths.dir,
      JOURNAL_FILE: journalPathFor(paths.stateFile),
      DEPS_JSON: JSON.stringify(deps),
      ...env,
    },
    retryDelayMs: 50,
    maxRetryDelayMs: 200,
    killGraceMs: 2000,
    ...(workerHost ? { workerHost } : {}),
    ...options,
  };
  return { ...paths, recordFile, options: options_ };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(20);
  }
}

/** Processes of group `pgid` that are alive (a zombie awaiting its reaper has already exited). */
function liveMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(group) === pgid && state !== 'Z') out.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Processes of this state file's workers still alive (Linux /proc). */
function survivors(stateFile: string) {
  return (scanProcesses() ?? []).filter((p) => p.stateFile === stateFile);
}

// The same scenarios with workers started in this process and from a worker host process.
for (const mode of ['in process', 'from a worker host'] as const) {
  describe(`Orchestrator with real worker processes (${mode})`, () => {
    beforeEach(() => {
      workerHost = mode === 'from a worker host' ? createWorkerHost() : undefined;
    });
    afterEach(async () => {
      await workerHost?.close();
      workerHost = undefined;
    });

    it('keeps exactly maxWorkers busy on a wide plan, never more, deps journaled before every start', async () => {
      const rows: Row[] = [
        ...Array.from({ length: 9 }, (_, i): Row => [`W${i}`]),
        ['X', ['W0', 'W1']],
        ['Y', ['X', 'W5']],
      ];
      // The first three to start (longest chains first) wait for each other: full overlap whatever
      // the machine's speed; every other task just works for a while.
      const s = setup(rows, { SLEEP_MS: '200', BARRIER_TASKS: 'W0,W1,W5' });
      const o = new Orchestrator({ ...s.options, maxWorkers: 3 });
      const recorded: Entry[] = [];
      o.on('recorded', (e) => recorded.push(e as Entry));
      const result = await o.run({ checkInterval: 100 });
      expect(result.outcome).toBe('completed');
      const recs = records(s.recordFile);
      expect(recs.filter((r) => r.event === 'start')).toHaveLength(rows.length);
      expect(maxOverlap(recs)).toBe(3);
      expect(recs.filter((r) => r.event === 'start' && r.depsJournaled !== true)).toEqual([]);
      // And in the journal: each dependent's start comes after its dependencies' completions.
      const seqOf = (type: string, id: string) =>
        recorded.find((e) => e.type === type && e.id === id)!.seq;
      expect(seqOf('task_started', 'X')).toBeGreaterThan(seqOf('task_completed', 'W1'));
      expect(seqOf('task_started', 'Y')).toBeGreaterThan(seqOf('task_completed', 'X'));
      // Every start is journaled with the process it started (a host reports the pid later).
      const starts = recorded.filter((e) => e.type === 'task_started');
      expect(starts).toHaveLength(rows.length);
      const pids = new Set(recs.filter((r) => r.event === 'start').map((r) => r.pid));
      for (const e of starts) expect(pids.has(e.pid as number), JSON.stringify(e)).toBe(true);
      const state = await readState(s.stateFile);
      expect(
        Object.values(state.tasks).every((t) => t.status === 'completed' && t.exit_code === 0),
      ).toBe(true);
      expect(survivors(s.stateFile)).toEqual([]);
    });

    it('starts the critical path first on a plan built to show it', async () => {
      const rows: Row[] = [['A'], ['B'], ['C'], ['D'], ['E'], ['F', ['E']], ['G', ['F']]];
      const s = setup(rows, { SLEEP_MS: '20' });
      const o = new Orchestrator({ ...s.options, maxWorkers: 1 });
      await o.run({ checkInterval: 100 });
      const order = records(s.recordFile)
        .filter((r) => r.event === 'start')
        .map((r) => r.id);
      expect(order).toEqual(['E', 'F', 'A', 'B', 'C', 'D', 'G']);
    });

    it('a failing task blocks exactly its transitive dependents; independent branches complete', async () => {
      const rows: Row[] = [
        ['A'],
        ['B', ['A']],
        ['C', ['B']],
        ['D', ['C']],
        ['E', ['A']],
        ['F'],
        ['G', ['E', 'F']],
      ];
      const s = setup(rows, { SLEEP_MS: '30', FAIL_TASKS: 'B' });
      const o = new Orchestrator({ ...s.options, maxWorkers: 2 });
      const result = await o.run({ checkInterval: 100 });
      expect(result.outcome).toBe('failed');
      const started = new Set(
        records(s.recordFile)
          .filter((r) => r.event === 'start')
          .map((r) => r.id),
      );
      expect([...started].sort()).toEqual(['A', 'B', 'E', 'F', 'G']);
      const state = await readState(s.stateFile);
      expect(state.tasks.B).toMatchObject({
        status: 'failed',
        failure_kind: 'exit_code',
        exit_code: 1,
      });
      expect(state.tasks.B!.error).toBeTruthy();
      for (const id of ['C', 'D']) expect(state.tasks[id]!.status).toBe('pending');
      for (const id of ['A', 'E', 'F', 'G']) expect(state.tasks[id]!.status).toBe('completed');
      expect(result.summary).toMatchObject({ completed: 4, failed: 1, blocked: 2, pending: 0 });
    });

    it('retries a flaky task with backoff: succeeds on the third attempt', async () => {
      const s = setup(
        [
          ['F', [], { retries: 2 }],
          ['G', ['F']],
        ],
        { SLEEP_MS: '20', FLAKY_TASKS: 'F:2' },
      );
      const o = new Orchestrator({ ...s.options });
      const recorded: Entry[] = [];
      o.on('recorded', (e) => recorded.push(e as Entry));
      const result = await o.run({ checkInterval: 100 });
      expect(result.outcome).toBe('completed');
      const starts = records(s.recordFile).filter((r) => r.event === 'start' && r.id === 'F');
      expect(starts.map((r) => r.attempt)).toEqual([1, 2, 3]);
      const j = recorded.filter((e) => e.id === 'F');
      const failures = j.filter((e) => e.type === 'task_failed');
      expect(failures).toHaveLength(2);
      // Each retry started no earlier than the retry time recorded with the failure before it.
      for (const f of failures) {
        const next = j.find((e) => e.type === 'task_started' && e.seq > f.seq)!;
        expect(Date.parse(next.at as string)).toBeGreaterThanOrEqual(
          Date.parse(f.retry_at as string),
        );
      }
      const d1 =
        Date.parse(failures[0]!.retry_at as string) - Date.parse(failures[0]!.at as string);
      const d2 =
        Date.parse(failures[1]!.retry_at as string) - Date.parse(failures[1]!.at as string);
      expect(d1).toBeGreaterThanOrEqual(25 - 1);
      expect(d2).toBeGreaterThanOrEqual(50 - 1);
      expect((await readState(s.stateFile)).tasks.F).toMatchObject({
        status: 'completed',
        attempts: 3,
      });
    });

    it('failFast starts nothing new after a failure', async () => {
      const s = setup([['A'], ['B'], ['C']], { SLEEP_MS: '20', FAIL_TASKS: 'A' });
      const o = new Orchestrator({ ...s.options, maxWorkers: 1, failFast: true });
      const result = await o.run({ checkInterval: 100 });
      expect(result.outcome).toBe('fail_fast');
      expect(
        records(s.recordFile)
          .filter((r) => r.event === 'start')
          .map((r) => r.id),
      ).toEqual(['A']);
      expect(result.summary).toMatchObject({ failed: 1, pending: 2, completed: 0 });
    });

    it('stop() with agents that ignore SIGTERM: after the grace every group is killed, tasks pending', async () => {
      const require = createRequire(import.meta.url);
      const agent = join(
        dirname(require.resolve('@program-nova/simulated-agent/package.json')),
        'simulated-agent.mjs',
      );
      const s = setup([['A'], ['B'], ['C', ['A']]], { SIM_HANG_TASKS: 'A,B' });
      const o = new Orchestrator({
        ...s.options,
        workerCommand: [process.execPath, agent, '--ignore-sigterm', '--spawn-child'],
        workerStdin: '{prompt}',
        killGraceMs: 300,
        maxWorkers: 2,
      });
      const started: { id: string; pid: number | null }[] = [];
      o.on('task:started', (e) => started.push({ id: e.id, pid: e.pid }));
      const done = o.run({ checkInterval: 100 });
      await until('A and B running', () => started.length === 2);
      await wait(300); // let each agent start its grandchild
      await o.stop({ reason: 'stopped by the test' });
      const result = await done;
      expect(result.outcome).toBe('interrupted');
      for (const { pid } of started) expect(liveMembers(pid!)).toEqual([]);
      expect(survivors(s.stateFile)).toEqual([]);
      const state = await readState(s.stateFile);
      for (const id of ['A', 'B']) {
        expect(state.tasks[id]).toMatchObject({
          status: 'pending',
          failure_kind: 'interrupted',
          error: 'stopped by the test',
        });
      }
    });
  });
}

describe('Orchestrator runs killed from outside', () => {
  it('SIGKILLed mid-run, then run again: every task completes, none completed runs twice, no orphan', async () => {
    const rows: Row[] = [['A'], ['B'], ['C', ['A']], ['D', ['B']], ['E', ['C', 'D']], ['S']];
    // S hangs on its first attempt (and has a grandchild): a survivor the next run must reap.
    const s = setup(rows, { SLEEP_MS: '150', SLOW_ONCE: 'S', CHILD_TASKS: 'S' });
    const child = spawn(
      process.execPath,
      [RUNNER, JSON.stringify({ ...s.options, env: s.options.env, maxWorkers: 2 })],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    await until('S running and something completed', () => {
      const recs = records(s.recordFile);
      return (
        recs.some((r) => r.id === 'S' && r.event === 'start') &&
        existsSync(journalPathFor(s.stateFile)) &&
        journal(s.stateFile).some((e) => e.type === 'task_completed')
      );
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const completedBefore = new Set(
      journal(s.stateFile)
        .filter((e) => e.type === 'task_completed')
        .map((e) => e.id!),
    );
    const sRun = records(s.recordFile).find((r) => r.id === 'S' && r.event === 'start')!;
    expect(survivors(s.stateFile).some((p) => p.pid === sRun.pid)).toBe(true); // orphaned, still alive

    const o = new Orchestrator({ ...s.options, maxWorkers: 2 });
    const warnings: string[] = [];
    o.on('warning', (w) => warnings.push(w.code));
    const result = await o.run({ checkInterval: 100 });
    expect(result.outcome).toBe('completed');
    expect(warnings).toContain('TASK_REAPED');
    const recs = records(s.recordFile);
    for (const id of completedBefore)
      expect(recs.filter((r) => r.id === id && r.event === 'start')).toHaveLength(1);
    // The reaped first attempt of S never finished; the second did.
    expect(recs.filter((r) => r.id === 'S' && r.event === 'end').map((r) => r.attempt)).toEqual([
      2,
    ]);
    expect(survivors(s.stateFile)).toEqual([]);
    const state = await readState(s.stateFile);
    expect(Object.values(state.tasks).every((t) => t.status === 'completed')).toBe(true);
    expect(state.tasks.S!.attempts).toBe(1);
  });

  it('SIGINT mid-run: exit 130, no process left in any worker group, the state resumes', async () => {
    const rows: Row[] = [['A'], ['B'], ['C'], ['D', ['A']]];
    const s = setup(rows, { SLEEP_MS: '150', SLOW_ONCE: 'A,B', CHILD_TASKS: 'A,B' });
    const child = spawn(
      process.execPath,
      [RUNNER, JSON.stringify({ ...s.options, maxWorkers: 2 })],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let err = '';
    let out = '';
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.stdout!.on('data', (d) => {
      out += d;
    });
    await until('A and B running', () => {
      const started = records(s.recordFile)
        .filter((r) => r.event === 'start')
        .map((r) => r.id);
      return started.includes('A') && started.includes('B');
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited, err).toBe(130);
    const entries = out
      .split('\n')
      .filter((l) => l.startsWith('{"recorded"'))
      .map((l) => (JSON.parse(l) as { recorded: Entry }).recorded);
    const groups = entries.filter((e) => e.type === 'task_started').map((e) => e.pgid as number);
    expect(groups.length).toBeGreaterThanOrEqual(2);
    for (const g of groups) expect(liveMembers(g)).toEqual([]);
    expect(survivors(s.stateFile)).toEqual([]);
    const state = await readState(s.stateFile);
    for (const id of ['A', 'B']) {
      expect(state.tasks[id]).toMatchObject({ status: 'pending', attempts: 0 });
      expect(state.tasks[id]!.error ?? '').toContain('SIGINT');
    }
    expect(Object.values(state.tasks).some((t) => t.status === 'in_progress')).toBe(false);

    const o = new Orchestrator({ ...s.options, maxWorkers: 2 });
    const result = await o.run({ checkInterval: 100 });
    expect(result.outcome).toBe('completed');
  });
});
