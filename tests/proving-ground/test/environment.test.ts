/**
 * Issue: an unwritable logs folder failed every ready task for good (each needing `nova retry`)
 * though nothing was wrong with them. Now it halts the run: exit 2, one line naming the folder and
 * the error, the tasks not run still pending, and the next run (folder fixed) finishes them.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readState } from '@program-nova/state/store';
import { afterEach, expect, test } from 'vitest';
import {
  killStarted,
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
  for (const d of dirs.splice(0)) removeDir(d);
});

const PLAN = [
  '# Environment',
  '## L1: Main',
  '### L2: Work',
  '| Task ID | Depends On |',
  '|---|---|',
  '| E1 | - |',
  '| E2 | E1 |',
  '| E3 | E2 |',
  '',
].join('\n');

test('the logs folder becomes unusable mid-run: exit 2 naming it, tasks stay pending, a later run finishes', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const plan = writePlan(dir, PLAN);
  const stateFile = join(dir, 'state.json');
  const logs = join(dir, 'logs');
  const record = join(dir, 'record.jsonl');
  const gate = join(dir, 'gate');
  const args = [
    'run',
    plan,
    '--state',
    stateFile,
    '--worker-cmd',
    `'${process.execPath}' '${join(WORKERS, 'recorder.mjs')}'`,
  ];
  const env = { PG_RECORD: record, PG_GATE: gate, PG_SLEEP_MS: '10' };
  const run = startNova(args, dir, env);
  await waitFor(() => readRecords(record).some((r) => r.id === 'E1'), 'E1 to start');
  // The folder goes away and a file takes its place: no log can be created in it any more.
  renameSync(logs, join(dir, 'logs.moved'));
  writeFileSync(logs, 'not a folder');
  writeFileSync(gate, '');
  const exit = await run.exited;
  expect(exit.code).toBe(2);
  const errors = run
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('nova: error:'));
  expect(errors).toEqual([
    expect.stringMatching(
      /E2: not run, as its log cannot be written in the logs folder .*logs: ENOTDIR/,
    ),
  ]);
  expect(stackTraceLines(run.stderr())).toEqual([]);
  const state = await readState(stateFile);
  expect(state.tasks.E1!.status).toBe('completed');
  expect(state.tasks.E2).toMatchObject({ status: 'pending', attempts: 0 });
  expect(state.tasks.E3!.status).toBe('pending');
  expect(state.project.outcome).toBe('aborted');

  rmSync(logs);
  mkdirSync(logs);
  const again = nova(args, dir, env);
  expect(again.code, again.stderr).toBe(0);
});
