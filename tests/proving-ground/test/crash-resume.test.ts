import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readState } from '@program-nova/state/store';
import { afterEach, expect, test } from 'vitest';
import {
  killStarted,
  killWorkersOf,
  layeredPlan,
  liveByGroup,
  nova,
  readRecords,
  removeDir,
  seeded,
  startNova,
  tempDir,
  WORKERS,
  waitFor,
  workerHostsOf,
  writePlan,
} from './helpers.js';

// 30 SIGKILLs of `nova run` at seeded random instants of one 200-task run, each followed by another
// `nova run` on the same state. NOVA_FAULT_ROUNDS raises the count for longer local runs.
const ROUNDS = Number(process.env.NOVA_FAULT_ROUNDS ?? 30);
// A longer campaign gets a proportionally larger plan, so it does not run out of work to interrupt.
const TASKS = Math.max(200, Math.ceil((ROUNDS * 200) / 30 / 20) * 20);
const SEED = Number(process.env.NOVA_FAULT_SEED ?? 0x5eed);

const dirs: string[] = [];
afterEach(async () => {
  await killStarted();
  // Orphans of a nova the test killed (only after a failure: passing tests leave none).
  killWorkersOf(dirs);
  for (const d of dirs.splice(0)) removeDir(d);
});

/** Task ids completed according to the snapshot and the journal (a torn last line is ignored). */
async function completedIds(stateFile: string): Promise<Set<string>> {
  const done = new Set<string>();
  if (existsSync(stateFile)) {
    // Must always parse: the snapshot is replaced atomically, never left half-written.
    const text = readFileSync(stateFile, 'utf8');
    expect(() => JSON.parse(text)).not.toThrow();
    const state = await readState(stateFile);
    for (const [id, t] of Object.entries(state.tasks)) if (t.status === 'completed') done.add(id);
  }
  const journal = `${stateFile}.journal`;
  if (existsSync(journal)) {
    const lines = readFileSync(journal, 'utf8').split('\n');
    const last = lines.length - 1;
    lines.forEach((line, i) => {
      if (!line) return;
      let entry: { type?: string; id?: string };
      try {
        entry = JSON.parse(line);
      } catch (error) {
        // Only the last line may be torn by a kill mid-write.
        if (i === last || (i === last - 1 && lines[last] === '')) return;
        throw new Error(`journal line ${i + 1} does not parse: ${String(error)}`);
      }
      if (entry.type === 'task_completed' && entry.id) done.add(entry.id);
    });
  }
  return done;
}

test(`SIGKILL of nova run at ${ROUNDS} random instants of a ${TASKS}-task run loses nothing and reruns nothing completed`, {
  timeout: 600_000,
}, async () => {
  const dir = tempDir();
  dirs.push(dir);
  const plan = writePlan(dir, layeredPlan(TASKS, 20, 7));
  const stateFile = join(dir, 'state.json');
  const record = join(dir, 'record.jsonl');
  const args = [
    'run',
    plan,
    '--state',
    stateFile,
    '-j',
    '4',
    '--worker-cmd',
    `'${process.execPath}' '${join(WORKERS, 'recorder.mjs')}' {id}`,
  ];
  const env = (run: string) => ({
    PG_RECORD: record,
    PG_RUN: run,
    PG_SLEEP_MS: '40',
    PG_GRANDCHILD: '1',
    PG_HANG_IF_ORPHANED: '1',
  });
  const rand = seeded(SEED);
  /** id -> the first run whose state showed it completed */
  const completedIn = new Map<string, number>();
  /** runs killed whose worker groups are still to be checked after a later run has reaped */
  let unchecked: number[] = [];
  const groupsOfRun = (run: number) =>
    new Set(
      readRecords(record)
        .filter((r) => r.run === String(run))
        .map((r) => r.pgid),
    );
  const assertNoSurvivors = (runs: number[]) => {
    const live = liveByGroup();
    for (const run of runs) {
      for (const pgid of groupsOfRun(run)) {
        expect(live.get(pgid), `a worker group of killed run ${run} survived`).toBeUndefined();
      }
    }
  };

  let kills = 0;
  let killsWithOrphans = 0;
  let reapChecks = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const before = readRecords(record);
    const lines = Math.floor(rand() * 16);
    const extraMs = Math.floor(rand() * 120);
    const interruptFirst = rand() < 0.25;
    const interruptMs = Math.floor(rand() * 60);
    const killHostToo = rand() < 0.5;
    const run = startNova(args, dir, env(String(round)));
    let exited = false;
    void run.exited.then(() => {
      exited = true;
    });
    if (unchecked.length > 0) {
      // The restart reaps a crashed run's workers before it starts anything.
      await waitFor(
        () => exited || readRecords(record).some((r) => r.run === String(round)),
        'the restarted run to start a task or exit',
      );
      if (!exited) {
        assertNoSurvivors(unchecked);
        reapChecks++;
        unchecked = [];
      }
    }
    await waitFor(
      () => exited || readRecords(record).length >= before.length + lines,
      `round ${round}: ${lines} more record lines`,
    );
    if (extraMs > 0) await new Promise((r) => setTimeout(r, extraMs));
    // One round in four is a Ctrl-C whose clean stop is itself cut short by SIGKILL.
    if (interruptFirst) {
      run.child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, interruptMs));
    }
    // Half the rounds kill nova's worker hosts too, an instant before nova (the whole program
    // dies at once, as under the out-of-memory killer): its workers are orphaned and only the
    // restart's reaping can stop them. Otherwise the host, left alone, stops them itself.
    const hosts = killHostToo ? workerHostsOf(run.child.pid as number) : [];
    for (const host of hosts) {
      try {
        process.kill(host, 'SIGKILL');
      } catch {
        // Exited since the scan: the run was just finishing.
      }
    }
    run.child.kill('SIGKILL');
    const end = await run.exited;
    if (end.code === 130) {
      // The stop finished before the SIGKILL: it must have left nothing running.
      assertNoSurvivors([round]);
    } else if (end.signal !== 'SIGKILL') {
      // The plan finished before this instant: nothing left to kill.
      expect(end.code, run.stderr()).toBe(0);
      break;
    }
    kills++;
    unchecked.push(round);
    // Workers the kill orphaned: what the next run must reap (the check below is not vacuous).
    const liveNow = liveByGroup();
    if (hosts.length > 0 && [...groupsOfRun(round)].some((g) => liveNow.has(g))) killsWithOrphans++;

    const done = await completedIds(stateFile);
    for (const id of completedIn.keys()) {
      expect(done.has(id), `task ${id}, completed in run ${completedIn.get(id)}, was lost`).toBe(
        true,
      );
    }
    for (const id of done) if (!completedIn.has(id)) completedIn.set(id, round);
  }
  expect(kills).toBeGreaterThan(0);
  // The scenario must really have orphaned workers and checked the restarts' reaping.
  expect(killsWithOrphans).toBeGreaterThan(0);
  expect(reapChecks).toBeGreaterThan(0);

  const final = nova(args, dir, env('final'));
  expect(final.code, final.stderr).toBe(0);
  assertNoSurvivors(unchecked);

  const state = await readState(stateFile);
  const statuses = Object.values(state.tasks).map((t) => t.status);
  expect(statuses).toHaveLength(TASKS);
  expect(statuses.every((s) => s === 'completed')).toBe(true);

  const records = readRecords(record);
  const runIndex = (run: string) => (run === 'final' ? Number.POSITIVE_INFINITY : Number(run));
  const startsPerRun = new Map<string, number>();
  for (const r of records) {
    if (r.ev !== 'start') continue;
    const firstDone = completedIn.get(r.id);
    // Once a run's state has a task completed, no later run may start it again.
    expect(
      firstDone === undefined || runIndex(r.run) <= firstDone,
      `task ${r.id}, completed in run ${firstDone}, was started again by run ${r.run}`,
    ).toBe(true);
    const key = `${r.run}/${r.id}`;
    startsPerRun.set(key, (startsPerRun.get(key) ?? 0) + 1);
  }
  // No retries are configured: within one run a task starts at most once.
  expect([...startsPerRun.values()].every((n) => n === 1)).toBe(true);
  // Every task ran to the end at least once (the attempt whose exit 0 completed it).
  const finished = new Set(records.filter((r) => r.ev === 'finish').map((r) => r.id));
  expect(finished.size).toBe(TASKS);
  // Every worker group of every run is gone.
  const live = liveByGroup();
  for (const pgid of new Set(records.map((r) => r.pgid))) expect(live.get(pgid)).toBeUndefined();
});
