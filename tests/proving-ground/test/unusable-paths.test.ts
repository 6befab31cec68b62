import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { BIN, layeredPlan, removeDir, stackTraceLines, tempDir, writePlan } from './helpers.js';

// A `--logs` or `--state` folder that cannot be created is a wrong argument: one `nova: error:`
// line naming the path, exit 2. /proc is the hostile case: mkdir there says ENOENT although the
// parent exists, which made Node 20's recursive mkdir spin forever (100% CPU) before the fix.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

function runBounded(args: string[], cwd: string) {
  // 20 s is ample for a 2-task plan's error; a hang is killed so the suite stays bounded.
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 20_000,
    killSignal: 'SIGKILL',
    env: { ...process.env, NO_COLOR: '1' },
  });
}

function expectOneClearError(r: ReturnType<typeof runBounded>, path: string) {
  expect(r.signal).toBeNull();
  expect(r.status).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^nova: error: /);
  expect(lines[0]).toContain(path);
  expect(stackTraceLines(r.stderr + r.stdout)).toEqual([]);
}

test.runIf(process.platform === 'linux')(
  'nova run --logs inside /proc exits 2 with one clear line',
  () => {
    const dir = tempDir();
    dirs.push(dir);
    const plan = writePlan(dir, layeredPlan(2, 2));
    const logs = '/proc/nova-no-such-dir';
    const r = runBounded(
      ['run', plan, '--state', join(dir, 'state.json'), '--logs', logs, '--worker-cmd', 'true'],
      dir,
    );
    expectOneClearError(r, logs);
    // Nothing ran: no task was started with a log it could not write.
    expect(r.stdout).not.toMatch(/started/);
  },
  30_000,
);

test.runIf(process.platform === 'linux')(
  'nova run --state inside /proc exits 2 with one clear line',
  () => {
    const dir = tempDir();
    dirs.push(dir);
    const plan = writePlan(dir, layeredPlan(2, 2));
    const state = '/proc/nova-no-such-dir/state.json';
    const r = runBounded(['run', plan, '--state', state, '--worker-cmd', 'true'], dir);
    expectOneClearError(r, state);
  },
  30_000,
);

test('nova run --logs under a file exits 2 with one clear line', () => {
  const dir = tempDir();
  dirs.push(dir);
  const plan = writePlan(dir, layeredPlan(2, 2));
  const logs = join(plan, 'logs');
  const r = runBounded(
    ['run', plan, '--state', join(dir, 'state.json'), '--logs', logs, '--worker-cmd', 'true'],
    dir,
  );
  expectOneClearError(r, logs);
}, 30_000);
