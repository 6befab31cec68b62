/** runVerify with real processes: exit codes, output tail, timeouts that reach the whole group. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runVerify, VERIFY_TAIL_BYTES, VERIFY_TAIL_LINES } from '../src/index.js';

const NODE = process.execPath;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nova-verify-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

describe('runVerify', () => {
  it('exit 0 is ok, in the given folder', async () => {
    const r = await runVerify({ cwd: dir, argv: [NODE, '-e', 'console.log(process.cwd())'] });
    expect(r).toMatchObject({
      ok: true,
      exitCode: 0,
      signal: null,
      timedOut: false,
      aborted: false,
      error: null,
    });
    expect(r.outputTail).toBe(dir);
    expect(r.durationMs).toBeGreaterThan(0);
  });

  it('exit 1 is not ok and keeps the last lines of stdout and stderr', async () => {
    const script =
      'for (let i = 1; i <= 100; i++) console.log("line " + i); console.error("boom"); process.exit(1)';
    const r = await runVerify({ cwd: dir, argv: [NODE, '-e', script] });
    expect(r).toMatchObject({ ok: false, exitCode: 1, timedOut: false });
    const tail = r.outputTail.split('\n');
    expect(tail).toHaveLength(VERIFY_TAIL_LINES);
    expect(tail.at(-1)).toBe('boom');
    expect(tail[0]).toBe(`line ${100 - VERIFY_TAIL_LINES + 2}`);
  });

  it('keeps at most the tail bytes of a huge output, starting at a whole line', async () => {
    const script =
      'for (let i = 0; i < 20000; i++) process.stdout.write("x".repeat(999) + i + "\\n")';
    const r = await runVerify({ cwd: dir, argv: [NODE, '-e', script] });
    expect(r.ok).toBe(true);
    expect(Buffer.byteLength(r.outputTail)).toBeLessThanOrEqual(VERIFY_TAIL_BYTES);
    expect(r.outputTail.endsWith('19999')).toBe(true);
    for (const line of r.outputTail.split('\n')) expect(line).toMatch(/^x{999}\d+$/);
  });

  it('a timeout kills the whole process group, grandchildren included', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    // The command starts a grandchild that ignores nothing and would outlive a plain kill.
    const script = `
      const { spawn } = require('node:child_process');
      const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));
      console.log('started');
      setInterval(() => {}, 1000);`;
    const r = await runVerify({
      cwd: dir,
      argv: [NODE, '-e', script],
      // Long enough for node to start on a loaded machine and write the pid file.
      timeoutMs: 3000,
      killGraceMs: 500,
    });
    expect(r).toMatchObject({ ok: false, timedOut: true, exitCode: null, signal: 'SIGTERM' });
    expect(r.outputTail).toBe('started');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    const until = Date.now() + 5000;
    while (alive(grandchild) && Date.now() < until) await new Promise((s) => setTimeout(s, 50));
    expect(alive(grandchild)).toBe(false);
  });

  it('a command that ignores SIGTERM is killed after the grace', async () => {
    const r = await runVerify({
      cwd: dir,
      argv: [
        NODE,
        '-e',
        'process.on("SIGTERM", () => {}); console.log("up"); setInterval(() => {}, 1000)',
      ],
      timeoutMs: 1000,
      killGraceMs: 300,
    });
    expect(r).toMatchObject({ ok: false, timedOut: true, signal: 'SIGKILL' });
  });

  it('an abort stops the group like a timeout, and says so', async () => {
    const controller = new AbortController();
    const started = runVerify({
      cwd: dir,
      argv: [NODE, '-e', 'console.log("up"); setInterval(() => {}, 1000)'],
      signal: controller.signal,
      killGraceMs: 300,
    });
    setTimeout(() => controller.abort(), 500);
    expect(await started).toMatchObject({ ok: false, aborted: true, timedOut: false });
  });

  it('passes shell metacharacters literally, as arguments', async () => {
    const sentinel = join(dir, 'SENTINEL');
    const args = [
      `$(touch ${sentinel})`,
      `\`touch ${sentinel}\``,
      `; touch ${sentinel}`,
      '*',
      '"\'',
      '$HOME',
    ];
    const r = await runVerify({
      cwd: dir,
      argv: [NODE, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', ...args],
    });
    expect(r.ok).toBe(true);
    expect(JSON.parse(r.outputTail)).toEqual(args);
    expect(existsSync(sentinel)).toBe(false);
  });

  it('a missing command is a failed verify with a reason, not a throw', async () => {
    const r = await runVerify({ cwd: dir, argv: ['nova-no-such-command-xyz'] });
    expect(r).toMatchObject({ ok: false, exitCode: null, timedOut: false });
    expect(r.error).toContain('command not found: nova-no-such-command-xyz');
    expect(r.outputTail).toContain('command not found');
    expect(() => runVerify({ cwd: dir, argv: [] })).toThrow(TypeError);
  });

  it("drops git's repository variables from the environment it is given", async () => {
    const r = await runVerify({
      cwd: dir,
      argv: [NODE, '-e', 'console.log(String(process.env.GIT_DIR) + " " + process.env.KEEP)'],
      env: { ...process.env, GIT_DIR: '/elsewhere/.git', KEEP: 'kept' },
    });
    expect(r.outputTail).toBe('undefined kept');
  });
});
