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
