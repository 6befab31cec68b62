import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readState } from '@program-nova/state/store';
import { afterEach, expect, test } from 'vitest';
import {
  killStarted,
  removeDir,
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

// The worker's default log cap (packages/worker README: 128 MiB per attempt).
const CAP = 128 * 1024 * 1024;
const MB = 1024 * 1024;

/** VmHWM (peak resident set) of a live process in bytes, or null once it is gone. */
function peakRss(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

test('a worker printing 2 GiB: the log stops at the cap, the task fails with that reason, nova stays under 150 MB', async () => {
  const dir = tempDir();
  dirs.push(dir);
  const plan = writePlan(
    dir,
    `# Flood

## L1: App

### L2: Core

| Task ID | Task Name | What Changes | Depends On |
| ------- | --------- | ------------ | ---------- |
| F1 | Flood | prints 2 GiB | - |
| F2 | After | depends on the flood | F1 |
`,
  );
  const stateFile = join(dir, 'state.json');
  const run = startNova(
    [
      'run',
      plan,
      '--state',
      stateFile,
      '--worker-cmd',
      `'${process.execPath}' '${join(WORKERS, 'flood.mjs')}'`,
    ],
    dir,
    { PG_FLOOD_BYTES: String(2 * 1024 ** 3) },
  );
  // Sample the peak while nova lives (VmHWM is monotonic, so the last sample is the run's peak
  // up to the final few milliseconds).
  let peak = 0;
  let exited = false;
  void run.exited.then(() => {
    exited = true;
  });
  await waitFor(
    () => {
      const v = peakRss(run.pid);
      if (v !== null) peak = Math.max(peak, v);
      return exited;
    },
    'the flooded run to end',
    200_000,
  );
  const end = await run.exited;
  expect(end.code, run.stderr()).toBe(1);
  expect(peak).toBeGreaterThan(0);
  expect(peak / MB, `nova peak RSS ${Math.round(peak / MB)} MB`).toBeLessThanOrEqual(150);

  const state = await readState(stateFile);
  const f1 = state.tasks.F1!;
  expect(f1.status).toBe('failed');
  expect(f1.failure_kind).toBe('output_cap');
  expect(f1.error).toMatch(/cap/i);
  expect(state.tasks.F2!.status).toBe('pending');

  // The log holds the child's bytes up to the cap plus nova's one-line note, not 2 GiB.
  const logPath = f1.log_path ?? join(dir, 'logs', 'F1.log');
  const size = statSync(logPath).size;
  expect(size).toBeGreaterThanOrEqual(CAP);
  expect(size).toBeLessThan(CAP + 64 * 1024);
  expect(run.stdout() + run.stderr()).toMatch(/F1/);
});
