import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readState } from '@program-nova/state/store';
import { afterEach, describe, expect, test } from 'vitest';
import {
  killStarted,
  killWorkersOf,
  layeredPlan,
  liveByGroup,
  nova,
  readRecords,
  removeDir,
  type Started,
  stackTraceLines,
  startNova,
  tempDir,
  WORKERS,
  waitFor,
  writePlan,
} from './helpers.js';

const dirs: string[] = [];
afterEach(async () => {
  await killStarted();
  // Orphans of a nova the test killed (only after a failure: passing tests leave none).
  killWorkersOf(dirs);
  for (const d of dirs.splice(0)) removeDir(d);
});

function setup(tasks = 12, width = 6) {
  const dir = tempDir();
  dirs.push(dir);
  const plan = writePlan(dir, layeredPlan(tasks, width, 3));
  const stateFile = join(dir, 'state.json');
  const record = join(dir, 'record.jsonl');
  const args = [
    'run',
    plan,
    '--state',
    stateFile,
    '-j',
    '3',
    '--worker-cmd',
    `'${process.execPath}' '${join(WORKERS, 'recorder.mjs')}'`,
  ];
  return { dir, plan, stateFile, record, args };
}

const exitOf = (run: Started) =>
  waitFor(
    async () => {
      const r = await Promise.race([
        run.exited,
        new Promise<null>((res) => setTimeout(res, 100, null)),
      ]);
      return r;
    },
    'nova to exit',
    90_000,
  );

describe('SIGINT (and SIGTERM) during a run', () => {
  for (const variant of [
    'workers stop on SIGTERM',
    'workers ignore SIGTERM',
    'second SIGINT kills at once',
    'SIGTERM instead of SIGINT',
  ] as const) {
    test(`${variant}: exit 130, no process left in any worker group, next run finishes`, async () => {
      const { stateFile, record, args, dir } = setup();
      const run = startNova(args, dir, {
        PG_RECORD: record,
        PG_RUN: 'interrupted',
        PG_SLEEP_MS: '600000',
        PG_GRANDCHILD: '1',
        ...(variant === 'workers stop on SIGTERM' || variant === 'SIGTERM instead of SIGINT'
          ? {}
          : { PG_IGNORE_TERM: '1' }),
      });
      await waitFor(() => readRecords(record).length >= 3, 'three workers to start');
      run.child.kill(variant === 'SIGTERM instead of SIGINT' ? 'SIGTERM' : 'SIGINT');
      // Workers that ignore SIGTERM hold the run for the whole grace; a second Ctrl-C cuts it short.
      // (Sent once nova has acted on the first: two signals pending at once count as one.)
      if (variant === 'second SIGINT kills at once') {
        await waitFor(
          () => readRecords(record).filter((r) => r.ev === 'sigterm').length >= 3,
          'the first SIGINT to reach the workers as SIGTERM',
        );
        run.child.kill('SIGINT');
      }
      const end = await exitOf(run);
      expect(end.code, run.stderr()).toBe(130);
      expect(stackTraceLines(run.stdout() + run.stderr())).toEqual([]);

      const records = readRecords(record);
      expect(records.filter((r) => r.ev === 'start')).toHaveLength(3);
      const live = liveByGroup();
      for (const r of records)
        expect(live.get(r.pgid), `worker group of ${r.id} survived`).toBeUndefined();

      const state = await readState(stateFile);
      const interrupted = records.filter((r) => r.ev === 'start').map((r) => r.id);
      for (const id of interrupted) {
        expect(state.tasks[id]!.status).toBe('pending');
        expect(state.tasks[id]!.failure_kind).toBe('interrupted');
      }
      expect(Object.values(state.tasks).some((t) => t.status === 'in_progress')).toBe(false);

      const again = nova(args, dir, { PG_RECORD: record, PG_RUN: 'resumed', PG_SLEEP_MS: '20' });
      expect(again.code, again.stderr).toBe(0);
      const final = await readState(stateFile);
      expect(Object.values(final.tasks).every((t) => t.status === 'completed')).toBe(true);
      // Nothing completed by the interrupted run, so each task finished exactly once, in the resumed run.
      const finishes = readRecords(record).filter((r) => r.ev === 'finish');
      expect(finishes.every((r) => r.run === 'resumed')).toBe(true);
      expect(new Set(finishes.map((r) => r.id)).size).toBe(finishes.length);
      expect(finishes).toHaveLength(12);
    });
  }
});

describe('two nova run on the same state', () => {
  test('a second run while one is running exits 2 naming the holder pid and starts nothing', async () => {
    const { record, args, dir } = setup();
    const gate = join(dir, 'gate');
    const first = startNova(args, dir, {
      PG_RECORD: record,
      PG_RUN: 'first',
      PG_SLEEP_MS: '1',
      PG_GATE: gate,
    });
    await waitFor(() => readRecords(record).length >= 1, 'the first run to start a worker');
    const second = nova(args, dir, { PG_RECORD: record, PG_RUN: 'second', PG_SLEEP_MS: '1' });
    expect(second.code).toBe(2);
    expect(stackTraceLines(second.stdout + second.stderr)).toEqual([]);
    const errors = second.stderr.split('\n').filter((l) => l.startsWith('nova: error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`\\b${first.pid}\\b`));
    expect(readRecords(record).some((r) => r.run === 'second')).toBe(false);
    writeFileSync(gate, '');
    const end = await exitOf(first);
    expect(end.code, first.stderr()).toBe(0);
  });

  test('two runs started at the same instant: exactly one runs, the other exits 2 naming it', async () => {
    for (let round = 0; round < 4; round++) {
      const { record, args, dir } = setup(6, 3);
      const gate = join(dir, 'gate');
      const a = startNova(args, dir, {
        PG_RECORD: record,
        PG_RUN: 'a',
        PG_SLEEP_MS: '1',
        PG_GATE: gate,
      });
      const b = startNova(args, dir, {
        PG_RECORD: record,
        PG_RUN: 'b',
        PG_SLEEP_MS: '1',
        PG_GATE: gate,
      });
      // Workers wait at the gate, so the winner is still running when the loser gives up.
      const first = await Promise.race([
        a.exited.then((e) => ({ run: a, other: b, name: 'a', ...e })),
        b.exited.then((e) => ({ run: b, other: a, name: 'b', ...e })),
      ]);
      expect(first.code, first.run.stderr()).toBe(2);
      expect(stackTraceLines(first.run.stdout() + first.run.stderr())).toEqual([]);
      expect(first.run.stderr()).toMatch(new RegExp(`nova: error: .*\\b${first.other.pid}\\b`));
      writeFileSync(gate, '');
      const winner = await exitOf(first.other);
      expect(winner.code, first.other.stderr()).toBe(0);
      const runs = new Set(readRecords(record).map((r) => r.run));
      expect(runs.has(first.name)).toBe(false);
      expect(readRecords(record).filter((r) => r.ev === 'finish')).toHaveLength(6);
    }
  });
});
