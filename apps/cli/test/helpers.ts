import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', 'dist', 'bin.js');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `nova` binary in `cwd`, colour off unless `env` says otherwise. */
export function nova(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): RunResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', NOVA_DEBUG: '', FORCE_COLOR: '', ...env },
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(): {
  dir: string;
  write(name: string, text: string): string;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'nova-cli-'));
  return {
    dir,
    write(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Started {
  child: import('node:child_process').ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built `nova` without waiting (for runs observed or interrupted while they go). */
export function startNova(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Started {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', NOVA_DEBUG: '', FORCE_COLOR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  started.add(child);
  void exited.then(() => started.delete(child));
  return { child, stdout: () => out, stderr: () => err, exited };
}

const started = new Set<import('node:child_process').ChildProcess>();

/** Kills whatever a failed test left running (call in afterEach/afterAll). */
export function killStarted(): void {
  for (const child of started) child.kill('SIGKILL');
  started.clear();
}

/** Polls `check` until it returns a truthy value (generous deadline; never a fixed sleep). */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 45_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A small plan: A1 -> (A2, A3) -> A4, plus an independent B1. */
export const SMALL_PLAN = `# Small Plan

## L1: App

### L2: Core

| Task ID | Task Name   | What Changes          | Depends On |
| ------- | ----------- | --------------------- | ---------- |
| A1      | Base types  | Define the base types | -          |
| A2      | Parser      | Parse the input       | A1         |
| A3      | Printer     | Print the output      | A1         |
| A4      | Integration | Wire it all together  | A2, A3     |

## L1: Docs

### L2: Guides

| Task ID | Task Name | What Changes   | Depends On |
| ------- | --------- | -------------- | ---------- |
| B1      | Readme    | Write a README | -          |
`;

/**
 * Runs the built `nova` on a pseudo-terminal of `columns` x `rows` (Python's pty module: no native
 * dependency). The size is set on the terminal before nova starts, so it reads it as a user's
 * would. Resolves to everything the terminal received (stdout and stderr, `\n` as `\r\n`).
 */
export function novaOnTerminal(
  args: string[],
  cwd: string,
  options: { columns: number; rows: number; env?: NodeJS.ProcessEnv },
): { code: number | null; output: string } {
  const program = [
    'import fcntl, os, pty, struct, sys, termios',
    'columns, rows = int(sys.argv[1]), int(sys.argv[2])',
    'pid, fd = pty.fork()',
    'if pid == 0:',
    '    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))',
    '    os.execv(sys.argv[3], sys.argv[3:])',
    'while True:',
    '    try:',
    '        data = os.read(fd, 65536)',
    '    except OSError:',
    '        break',
    '    if not data:',
    '        break',
    '    sys.stdout.buffer.write(data)',
    'sys.stdout.buffer.flush()',
    'sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))',
  ].join('\n');
  const result = spawnSync(
    'python3',
    ['-c', program, String(options.columns), String(options.rows), process.execPath, BIN, ...args],
    {
      cwd,
      encoding: 'utf8',
      timeout: 90_000,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, NOVA_DEBUG: '', TERM: 'xterm', ...options.env },
    },
  );
  if (result.error) throw result.error;
  return { code: result.status, output: result.stdout };
}
