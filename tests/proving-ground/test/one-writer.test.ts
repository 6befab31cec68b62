/**
 * Issue: a deleted lease let two orchestrators write one state. Now the second run refuses while
 * the first is alive, and the first notices it lost its lease, stops its workers and exits 2.
 */
import { unlinkSync, writeFileSync } from 'node:fs';
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
  killWorkersOf(dirs);
  for (const d of dirs.splice(0)) removeDir(d);
});

test('lock removed during a run: a second run refuses, the first exits 2 naming the lost lease; no task runs twice', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const plan = writePlan(dir, layeredPlan(9, 3, 2));
  const stateFile = join(dir, 'state.json');
  const record = join(dir, 'record.jsonl');
  const gate = join(dir, 'gate');
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
  const env = { PG_RECORD: record, PG_GATE: gate, PG_SLEEP_MS: '10', PG_GRANDCHILD: '1' };
  const first = startNova(args, dir, { ...env, PG_RUN: 'first' });
  // Three workers held open, and their starts in the snapshot: from here the first run writes
  // nothing until one of them finishes.
  await waitFor(
    async () =>
      Object.values((await readState(stateFile).catch(() => null))?.tasks ?? {}).filter(
        (t) => t.status === 'in_progress',
      ).length === 3,
    'three running tasks in the snapshot',
  );
  unlinkSync(`${stateFile}.lock`);

  const second = nova(args, dir, { ...env, PG_RUN: 'second' });
  expect(second.code).toBe(2);
  expect(second.stderr).toMatch(
    /^nova: error: .*state\.json is being run by pid \d+, which is still running/m,
  );
  expect(stackTraceLines(second.stderr)).toEqual([]);
  expect(readRecords(record).filter((r) => r.run === 'second')).toEqual([]);

  // The first run's next write (a completion) finds its lease gone: it stops and says so.
  writeFileSync(gate, '');
  const firstExit = await first.exited;
  expect(firstExit.code).toBe(2);
  const errors = first
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('nova: error:'));
  expect(errors).toEqual([
    expect.stringMatching(/lost the lease on .*state\.json: its lock file .* was removed/),
  ]);
  expect(stackTraceLines(first.stderr())).toEqual([]);
  const groups = liveByGroup();
  for (const r of readRecords(record)) expect(groups.has(r.pgid), `group of ${r.id}`).toBe(false);

  // A later run finishes the plan; what the first run could not record runs again, never two at once.
  const last = nova(args, dir, { ...env, PG_RUN: 'last' });
  expect(last.code, last.stderr).toBe(0);
  const state = await readState(stateFile);
  expect(Object.values(state.tasks).every((t) => t.status === 'completed')).toBe(true);
  const lastStarts = readRecords(record).filter((r) => r.run === 'last' && r.ev === 'start');
  expect(new Set(lastStarts.map((r) => r.id)).size).toBe(lastStarts.length);
});

test('nova unlock refuses while the run is alive, and removes the lock of a dead one', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const plan = writePlan(dir, layeredPlan(2, 2, 1));
  const stateFile = join(dir, 'state.json');
  const gate = join(dir, 'gate');
  const run = startNova(
    [
      'run',
      plan,
      '--state',
      stateFile,
      '--worker-cmd',
      `'${process.execPath}' '${join(WORKERS, 'recorder.mjs')}'`,
    ],
    dir,
    { PG_GATE: gate, PG_RECORD: join(dir, 'record.jsonl') },
  );
  await waitFor(() => readRecords(join(dir, 'record.jsonl')).length >= 1, 'a start');
  const refused = nova(['unlock', '--state', stateFile], dir);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/^nova: error: .*held by pid \d+, which is running/m);
  run.child.kill('SIGKILL');
  await run.exited;
  killWorkersOf([dir]);
  const done = nova(['unlock', '--state', stateFile], dir);
  expect(done.code, done.stderr).toBe(0);
  expect(done.stdout).toMatch(
    /^Unlocked .*state\.json: removed .*\.lock, held by pid \d+ .*no longer running/m,
  );
  const again = nova(['unlock', '--state', stateFile], dir);
  expect(again.stdout).toMatch(/is not locked: nothing to do/);
});
