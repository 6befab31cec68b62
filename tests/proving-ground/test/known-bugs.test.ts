import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { BIN, layeredPlan, removeDir, tempDir, writePlan } from './helpers.js';

// Bugs found by this package in packages it does not own, pinned as `test.fails`: each of these
// passes while the bug is there and FAILS once it is fixed (then turn it into a plain `test`).
//
// Node 20's recursive mkdir spins forever (100% CPU) when the parent exists but refuses the new
// folder with ENOENT, as /proc does: `node -e "fs.mkdirSync('/proc/x', { recursive: true })"`
// never returns. Nova reaches it with a user-given path in packages/worker/src/log-file.ts
// (`mkdirSync(logsDir, { recursive: true })` for `--logs`) and packages/state/src/store/open-store.ts
// (`mkdir(dirname(file), { recursive: true })` for `--state`): `nova run` hangs instead of exiting 2.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

function runBounded(args: string[], cwd: string) {
  // 8 s is ample for a 2-task plan's error; the hang is killed so the suite stays bounded.
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 8_000,
    killSignal: 'SIGKILL',
    env: { ...process.env, NO_COLOR: '1' },
  });
}

test.fails('nova run --logs inside /proc exits 2 with a clear message (hangs: recursive mkdir)', () => {
  const dir = tempDir();
  dirs.push(dir);
  const plan = writePlan(dir, layeredPlan(2, 2));
  const r = runBounded(
    [
      'run',
      plan,
      '--state',
      join(dir, 'state.json'),
      '--logs',
      '/proc/nova-no-such-dir',
      '--worker-cmd',
      'true',
    ],
    dir,
  );
  expect(r.signal).toBeNull();
  expect(r.status).toBe(2);
});

test.fails('nova run --state inside /proc exits 2 with a clear message (hangs: recursive mkdir)', () => {
  const dir = tempDir();
  dirs.push(dir);
  const plan = writePlan(dir, layeredPlan(2, 2));
  const r = runBounded(
    ['run', plan, '--state', '/proc/nova-no-such-dir/state.json', '--worker-cmd', 'true'],
    dir,
  );
  expect(r.signal).toBeNull();
  expect(r.status).toBe(2);
});
