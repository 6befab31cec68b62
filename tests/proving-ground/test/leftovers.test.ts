/**
 * Issue: agents that daemonize outlived the run (exit 0 and Ctrl-C alike). Now every run ends by
 * stopping what still carries its markers, and says how many.
 */
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import {
  killStarted,
  markedProcesses,
  nova,
  removeDir,
  startNova,
  tempDir,
  WORKERS,
  waitFor,
  writePlan,
} from './helpers.js';

const dirs: string[] = [];
const states: string[] = [];
afterEach(async () => {
  await killStarted();
  for (const s of states.splice(0))
    for (const pid of markedProcesses(s)) process.kill(pid, 'SIGKILL');
  for (const d of dirs.splice(0)) removeDir(d);
});

const PLAN = [
  '# Daemons',
  '## L1: Main',
  '### L2: Work',
  '| Task ID | Depends On |',
  '|---|---|',
  '| D1 | - |',
  '| D2 | - |',
  '| D3 | D1 |',
  '',
].join('\n');

function setup() {
  const dir = tempDir();
  dirs.push(dir);
  const plan = writePlan(dir, PLAN);
  const stateFile = join(dir, 'state.json');
  states.push(stateFile);
  const args = [
    'run',
    plan,
    '--state',
    stateFile,
    '-j',
    '2',
    '--worker-cmd',
    `'${process.execPath}' '${join(WORKERS, 'daemonizer.mjs')}'`,
  ];
  return { dir, stateFile, args };
}

test('a successful run leaves no process with its markers, and says it stopped some', () => {
  const { dir, stateFile, args } = setup();
  const r = nova(args, dir);
  expect(r.code, r.stderr).toBe(0);
  expect(markedProcesses(stateFile)).toEqual([]);
  expect(r.stderr).toMatch(
    /^nova: warning: processes started by tasks \(D1, D2, D3\) were still running after their agents ended: stopped 3 /m,
  );
});

test('Ctrl-C: exit 130 and no process with the run markers left', async () => {
  const { dir, stateFile, args } = setup();
  const run = startNova(args, dir, { PG_GATE: join(dir, 'never') });
  await waitFor(() => markedProcesses(stateFile).length >= 4, 'two workers and their daemons');
  run.child.kill('SIGINT');
  const exit = await run.exited;
  expect(exit.code).toBe(130);
  expect(markedProcesses(stateFile)).toEqual([]);
});
