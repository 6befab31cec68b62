import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Task } from '@program-nova/parser';
import { isProcessAlive } from '@program-nova/worker';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskRunSpec } from '../src/executor.js';
import { LocalExecutor } from '../src/local-executor.js';
import { tempDir } from './plan.js';

const spawned: ChildProcess[] = [];
afterEach(() => {
  for (const c of spawned.splice(0)) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

function spec(id: string, stateFile: string): TaskRunSpec {
  const task: Task = {
    id,
    name: id,
    description: '',
    dependsOn: [],
    branch: 'b',
    group: 'g',
    line: 1,
    fields: {},
  };
  return {
    task,
    project: 'P',
    dependencies: [],
    attempt: 1,
    rank: 0,
    workerId: 'worker-1',
    stateFile,
  };
}

const waitFor = async (cond: () => boolean) => {
  const end = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('LocalExecutor', () => {
  it('runs a process to a successful outcome with pid, group and log', async () => {
    const dir = tempDir();
    const ex = new LocalExecutor({
      logsDir: join(dir, 'logs'),
      command: [process.execPath, '-e', 'console.log("hi")'],
      stdin: null,
    });
    const exec = ex.start(spec('T1', join(dir, 'state.json')));
    expect(exec.pid).toBeGreaterThan(0);
    expect(exec.pgid).toBe(exec.pid);
    expect(exec.logPath).toBe(join(dir, 'logs', 'T1.log'));
    const out = await exec.done;
    expect(out.ok).toBe(true);
  });

  it('reports typed failures: exit code (retryable), command not found (not retryable)', async () => {
    const dir = tempDir();
    const failing = new LocalExecutor({
      logsDir: dir,
      command: [process.execPath, '-e', 'process.exit(3)'],
      stdin: null,
    });
    const out = await failing.start(spec('T2', join(dir, 's.json'))).done;
    expect(out).toMatchObject({ ok: false, kind: 'exit_code', exitCode: 3, retryable: true });
    const missing = new LocalExecutor({
      logsDir: dir,
      command: ['nova-no-such-command-xyz'],
      stdin: null,
    });
    const out2 = await missing.start(spec('T3', join(dir, 's.json'))).done;
    expect(out2).toMatchObject({ ok: false, kind: 'command_not_found', retryable: false });
  });

  it('stop() ends the attempt as interrupted and leaves nothing of its group', async () => {
    const dir = tempDir();
    const ex = new LocalExecutor({
      logsDir: dir,
      command: [
        process.execPath,
        '-e',
        'require("child_process").spawn(process.execPath, ["-e", "setTimeout(()=>{}, 60000)"]); setTimeout(()=>{}, 60000)',
      ],
      stdin: null,
      killGraceMs: 1000,
    });
    const exec = ex.start(spec('T4', join(dir, 's.json')));
    await new Promise((r) => exec.on('started', () => r(undefined)));
    await exec.stop();
    const out = await exec.done;
    expect(out).toMatchObject({ ok: false, kind: 'interrupted' });
    expect(isProcessAlive(-exec.pgid!)).toBe(false);
  });

  it("reap() stops a crashed run's survivors (group and grandchildren) but only processes that carry the task's marker", async () => {
    const dir = tempDir();
    const stateFile = join(dir, 'cascade_state.json');
    const script =
      'require("child_process").spawn(process.execPath, ["-e", "setTimeout(()=>{}, 60000)"], { stdio: "ignore" }); setTimeout(()=>{}, 60000)';
    const start = (env: Record<string, string>) => {
      const c = spawn(process.execPath, ['-e', script], {
        detached: true,
        stdio: 'ignore',
        env: { ...process.env, ...env },
      });
      spawned.push(c);
      return c;
    };
    const target = start({ NOVA_TASK_ID: 'R1', NOVA_STATE_FILE: stateFile });
    const otherRun = start({ NOVA_TASK_ID: 'R1', NOVA_STATE_FILE: join(dir, 'other.json') });
    const otherTask = start({ NOVA_TASK_ID: 'R2', NOVA_STATE_FILE: stateFile });
    await waitFor(() => [target, otherRun, otherTask].every((c) => c.pid && isProcessAlive(c.pid)));
    await new Promise((r) => setTimeout(r, 200)); // let the grandchildren spawn
    const ex = new LocalExecutor({ logsDir: dir, killGraceMs: 1000 });
    const state = { status: 'in_progress', pid: target.pid!, pgid: target.pid! } as never;
    const res = await ex.reap({ id: 'R1', state, stateFile });
    expect(res.found).toBe(true);
    await waitFor(() => !isProcessAlive(-target.pid!));
    expect(isProcessAlive(-otherRun.pid!)).toBe(true);
    expect(isProcessAlive(-otherTask.pid!)).toBe(true);
    // A recorded pid that now belongs to someone else (pid reuse) is left alone.
    const reused = await ex.reap({
      id: 'R3',
      state: { status: 'in_progress', pid: otherTask.pid!, pgid: otherTask.pid! } as never,
      stateFile,
    });
    expect(res.detail).toMatch(/stopped/);
    expect(reused.found).toBe(false);
    expect(isProcessAlive(-otherTask.pid!)).toBe(true);

    // Strays: anything still marked with this state file, whatever its task; other runs untouched.
    const strays = await ex.reapStrays(stateFile);
    expect(strays).toMatchObject({ found: true, taskIds: ['R2'] });
    await waitFor(() => !isProcessAlive(-otherTask.pid!));
    expect(isProcessAlive(-otherRun.pid!)).toBe(true);
    expect(await ex.reapStrays(stateFile)).toMatchObject({ found: false, taskIds: [] });
  });
});
