// The worker host is a separate process (dist/host-process.js): these tests run the built package.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProcessAlive as alive, createWorkerHost, type WorkerHost } from '../dist/index.js';
import type { StartWorkerOptions } from '../src/types.js';
import {
  baseOptions,
  failed,
  logUnavailable,
  NODE,
  nodeEval,
  readLog,
  SIM,
  task,
  tempDir,
  waitFor,
} from './helpers.js';

let dir: string;
let cleanup: () => void;
let host: WorkerHost;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  host = createWorkerHost();
});
afterEach(async () => {
  await host.close();
  cleanup();
});

const base = (extra: Partial<StartWorkerOptions> = {}) => baseOptions(dir, extra);

const sim = (...flags: string[]) => [NODE, SIM, '--model', '{model}', ...flags];

describe('createWorkerHost', () => {
  it('runs a task in another process with the same outcome, events and log as startWorker', async () => {
    const w = host.start(base({ command: sim(), model: 'sonnet' }));
    expect(w.pid).toBeNull(); // known from the spawn event on
    const spawned = new Promise<void>((r) => w.once('spawn', () => r()));
    const tokens: unknown[] = [];
    w.on('tokens', (t) => tokens.push(t));
    const r = await w.done;
    await spawned;
    expect(r.ok).toBe(true);
    expect(typeof w.pid).toBe('number');
    expect(w.pgid).toBe(w.pid);
    expect(host.pids).toHaveLength(1);
    expect(w.pid).not.toBe(host.pids[0]);
    expect(w.argv[0]).toBe(NODE);
    expect(r.usage.output_tokens).toBeGreaterThan(0);
    expect(tokens.length).toBeGreaterThan(0);
    expect(r.logPath).toBe(join(dir, 'logs', 'T1.log'));
    expect(readLog(r.logPath)).toMatch(/# nova: succeeded \(exit code 0\)/);
  });

  it('reports failures as WorkerErrors with every field', async () => {
    const r = failed(
      await host.start(base({ command: nodeEval("console.error('boom'); process.exit(3)") })).done,
    );
    expect(r.error).toBeInstanceOf(Error);
    expect(r.error).toMatchObject({
      name: 'WorkerError',
      code: 'EXIT_CODE',
      kind: 'exit_code',
      exitCode: 3,
      signal: null,
      timedOut: false,
      retryable: true,
    });
    expect(r.error.message.split('\n')[0]).toContain('exited with code 3: boom');
    const missing = failed(await host.start(base({ command: ['no-such-command-nova-x'] })).done);
    expect(missing.error).toMatchObject({ code: 'COMMAND_NOT_FOUND', retryable: false });
  });

  it('carries the environment fields of LOG_UNAVAILABLE, the result text and the log state', async () => {
    writeFileSync(join(dir, 'file'), '');
    const logsDir = join(dir, 'file', 'logs');
    const r = failed(await host.start(base({ logsDir, command: nodeEval('') })).done);
    expect(r.error).toBeInstanceOf(Error);
    expect(r.error).toMatchObject(logUnavailable(logsDir, 'ENOTDIR'));
    expect(r.error.cause).toMatchObject({ code: 'ENOTDIR' });
    expect(r.logIncomplete).toBe('no log was written: ENOTDIR (not a directory)');
    const ok = await host.start(base({ command: sim('--duration-ms', '0') })).done;
    expect(ok).toMatchObject({
      ok: true,
      resultText: 'Simulated task T1 done (no real work was done).',
      logIncomplete: null,
    });
  });

  it('spreads workers over its host processes, the least busy first', async () => {
    const pool = createWorkerHost({ processes: 2 });
    try {
      const workers = ['P1', 'P2', 'P3', 'P4'].map((id) =>
        pool.start(base({ task: task(id), command: sim('--hang') })),
      );
      await Promise.all(workers.map((w) => new Promise<void>((r) => w.once('spawn', () => r()))));
      expect(pool.pids).toHaveLength(2);
      const parentOf = (pid: number) => {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      };
      const parents = workers.map((w) => parentOf(w.pid as number));
      expect(parents.filter((p) => p === pool.pids[0])).toHaveLength(2);
      expect(parents.filter((p) => p === pool.pids[1])).toHaveLength(2);
      await Promise.all(workers.map((w) => w.terminate()));
      for (const w of workers) expect(failed(await w.done).error.code).toBe('TERMINATED');
    } finally {
      await pool.close();
    }
  });

  it('throws in the caller for what startWorker throws for', () => {
    expect(() => host.start(base({ task: task('../x') }))).toThrow(TypeError);
    expect(() => host.start(base({ command: [] }))).toThrow(/empty/);
  });

  it('gives workers NOVA_* and nothing of its own channel (no NODE_CHANNEL_FD, no extra descriptors)', async () => {
    const script =
      "const fs = require('fs'); console.log(JSON.stringify({ env: Object.keys(process.env).filter((k) => k.startsWith('NOVA_') || k.startsWith('NODE_CHANNEL')), fds: fs.readdirSync('/proc/self/fd').map(Number).filter((fd) => { try { return fd > 2 && fs.readlinkSync('/proc/self/fd/' + fd).startsWith('socket:'); } catch { return false; } }) }))";
    const r = await host.start(base({ command: nodeEval(script), stateFile: join(dir, 's.json') }))
      .done;
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const line = readLog(r.logPath)
      .split('\n')
      .find((l) => l.startsWith('{'));
    const seen = JSON.parse(line as string) as { env: string[]; fds: number[] };
    // NOVA_* of this process's own environment (CI sets some) pass through; the channel's do not.
    const inherited = Object.keys(process.env).filter((k) => k.startsWith('NOVA_'));
    const expected = new Set([...inherited, 'NOVA_PROJECT', 'NOVA_STATE_FILE', 'NOVA_TASK_ID']);
    expect(seen.env.sort()).toEqual([...expected].sort());
    expect(seen.fds).toEqual([]);
  });

  it('terminate() stops the whole group; a second call kills at once', async () => {
    const w = host.start(base({ command: sim('--hang', '--spawn-child') }));
    const grandchild = await waitFor(() => {
      const m = existsSync(w.logPath) && /started grandchild (\d+)/.exec(readLog(w.logPath));
      return m ? Number(m[1]) : null;
    });
    await w.terminate();
    const r = failed(await w.done);
    expect(r.error).toMatchObject({ code: 'TERMINATED', kind: 'interrupted' });
    expect(alive(grandchild)).toBe(false);
  });

  it('a host killed under a running task: the task is stopped and reported HOST_EXITED', async () => {
    const w = host.start(base({ command: sim('--hang') }));
    await new Promise<void>((r) => w.once('spawn', () => r()));
    const pgid = w.pgid as number;
    // Running for real: its log exists and has its first output.
    await waitFor(() => existsSync(w.logPath) && readLog(w.logPath).includes('"type":"system"'));
    process.kill(host.pids[0] as number, 'SIGKILL');
    const r = failed(await w.done);
    expect(r.error).toMatchObject({ code: 'HOST_EXITED', kind: 'interrupted' });
    expect(r.error.message).toContain('SIGKILL');
    // What the host had not written yet died with it: the result does not claim a whole log.
    expect(r.logIncomplete).toBe(
      'the worker host that wrote it was killed by SIGKILL: what the task printed last may be missing',
    );
    await waitFor(() => !alive(-pgid));
    expect(readLog(w.logPath)).toContain('# nova: failed HOST_EXITED');
    // The next start gets a new host.
    const again = await host.start(base({ task: task('T2'), command: ['true'] })).done;
    expect(again.ok).toBe(true);
  });

  it('when its client dies, the host stops every worker and exits', async () => {
    const client = `
      const { createWorkerHost } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
      const host = createWorkerHost();
      const w = host.start({ task: { id: 'H1', name: 'h', description: 'd', branch: 'b', group: 'g', dependsOn: [] },
        project: 'P', logsDir: ${JSON.stringify(join(dir, 'logs'))}, killGraceMs: 500,
        command: [process.execPath, ${JSON.stringify(SIM)}, '--hang', '--spawn-child'] });
      w.once('spawn', () => console.log(JSON.stringify({ host: host.pids[0], pgid: w.pgid })));
      setInterval(() => {}, 1000);`;
    const child = spawn(NODE, ['--input-type=module', '-e', client], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const ids = await waitFor(() =>
      out.includes('\n') ? (JSON.parse(out) as { host: number; pgid: number }) : null,
    );
    await waitFor(
      () =>
        existsSync(join(dir, 'logs', 'H1.log')) &&
        readLog(join(dir, 'logs', 'H1.log')).includes('grandchild'),
    );
    child.kill('SIGKILL');
    await waitFor(() => !alive(-ids.pgid) && !alive(ids.host));
    expect(readFileSync(join(dir, 'logs', 'H1.log'), 'utf8')).toContain(
      '# nova: failed TERMINATED',
    );
  });

  it('lets its caller exit while idle, and close() waits for running workers to stop', async () => {
    const w = host.start(base({ command: sim('--hang') }));
    await new Promise<void>((r) => w.once('spawn', () => r()));
    const hostPid = host.pids[0] as number;
    await host.close();
    expect(alive(hostPid)).toBe(false);
    expect(failed(await w.done).error.code).toBe('TERMINATED');
    // An idle host does not hold a process open.
    const script = `const { createWorkerHost } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)}); const h = createWorkerHost(); const w = h.start({ task: { id: 'Q1', name: 'q', description: 'd', branch: 'b', group: 'g', dependsOn: [] }, project: 'P', logsDir: ${JSON.stringify(join(dir, 'logs'))}, command: ['true'] }); await w.done; console.log('done');`;
    const child = spawn(NODE, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
    expect(out).toBe('done\n');
  });
});
