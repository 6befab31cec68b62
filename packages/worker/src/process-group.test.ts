import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isProcessAlive, killProcessGroup, reapProcessGroup } from './process-group.js';

describe('process-group helpers', () => {
  it('refuse pids that would signal everything or ourselves', () => {
    expect(() => killProcessGroup(0)).toThrow(TypeError);
    expect(() => killProcessGroup(1)).toThrow(TypeError);
    expect(() => killProcessGroup(-5)).toThrow(TypeError);
    expect(() => killProcessGroup(1.5)).toThrow(TypeError);
    expect(() => isProcessAlive(0)).toThrow(TypeError);
    expect(() => isProcessAlive(-1)).toThrow(TypeError);
  });

  it('see this process alive and report a vanished group as gone', async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    const child = spawn(process.execPath, ['-e', ''], { detached: true, stdio: 'ignore' });
    const pid = child.pid as number;
    await new Promise((r) => child.on('exit', r));
    expect(isProcessAlive(pid)).toBe(false);
    expect(killProcessGroup(pid)).toBe(false);
  });

  it('reapProcessGroup kills a group that ignores SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)"],
      { detached: true, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    await new Promise((r) => child.stdout?.once('data', r));
    const pgid = child.pid as number;
    expect(isProcessAlive(-pgid)).toBe(true);
    expect(await reapProcessGroup(pgid, { graceMs: 200 })).toBe(true);
    expect(isProcessAlive(-pgid)).toBe(false);
  });
});
