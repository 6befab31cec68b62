import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readState } from '@program-nova/state/store';
import { afterEach, expect, test } from 'vitest';
import { nova, removeDir, tempDir, WORKERS, writePlan } from './helpers.js';

// What `nova run` leaves in a task's log, end to end: the worker's own lines (cap note, footer)
// always start a line of their own, and the cap's message names the option that raises it.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

const onePlan = (id: string, what: string) => `# Logs

## L1: App

### L2: Core

| Task ID | Task Name | What Changes | Depends On |
| ------- | --------- | ------------ | ---------- |
| ${id} | Logged | ${what} | - |
`;

test('a worker whose last line has no newline: the footer still starts a line of its own', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const plan = writePlan(dir, onePlan('P1', 'prints a line without its newline'));
  const agent = join(dir, 'partial.mjs');
  writeFileSync(agent, "process.stdout.write('first line\\nlast line, unterminated');\n");
  const stateFile = join(dir, 'state.json');
  const r = nova(
    ['run', plan, '--state', stateFile, '--worker-cmd', `'${process.execPath}' '${agent}'`],
    dir,
  );
  expect(r.code, r.stderr).toBe(0);
  const p1 = (await readState(stateFile)).tasks.P1!;
  expect(p1.status).toBe('completed');
  const lines = readFileSync(p1.log_path ?? join(dir, 'logs', 'P1.log'), 'utf8').split('\n');
  // Three header lines, the output as printed, then the footer on a line of its own.
  expect(lines.slice(3, 5)).toEqual(['first line', 'last line, unterminated']);
  expect(lines[5]).toMatch(/^# nova: succeeded \(exit code 0\) after /);
  expect(lines.slice(6)).toEqual(['']);
});

test('the output cap: its message names --max-log-size, and no blank line is added before its note', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const plan = writePlan(dir, onePlan('C1', 'prints just past the default cap'));
  const stateFile = join(dir, 'state.json');
  // The default cap is 128 MiB; flood.mjs prints lines of 1 KiB, so the cap falls on a line's end.
  const flood = `'${process.execPath}' '${join(WORKERS, 'flood.mjs')}'`;
  const env = { PG_FLOOD_BYTES: String(129 * 1024 * 1024) };
  const r = nova(['run', plan, '--state', stateFile, '--worker-cmd', flood], dir, env);
  expect(r.code, r.stderr).toBe(1);
  const c1 = (await readState(stateFile)).tasks.C1!;
  expect(c1.failure_kind).toBe('output_cap');
  expect(c1.error).toContain('raise the cap (--max-log-size, or maxLogSize in the config)');
  const log = readFileSync(c1.log_path ?? join(dir, 'logs', 'C1.log'));
  const note = log.indexOf('# nova: output reached the log cap of 128 MiB');
  expect(note).toBeGreaterThan(128 * 1024 * 1024);
  // The output ended a line: the note follows it directly, with no empty line between.
  expect(log.subarray(note - 2, note).toString()).toBe('x\n');
});
