/**
 * Running a task's verify command in its worktree: an argv run as given (never through a shell),
 * output kept to a bounded tail, the whole process group stopped on timeout and when it exits.
 */
import type { ChildProcess } from 'node:child_process';
import crossSpawn from 'cross-spawn';
import { withoutRepositoryVariables } from './git.js';

export const VERIFY_TAIL_BYTES = 8 * 1024;
export const VERIFY_TAIL_LINES = 40;
export const DEFAULT_VERIFY_KILL_GRACE_MS = 2000;
/** How long the pipes may stay open once the command exited (held by a process that left its group). */
const STDIO_GRACE_MS = 1000;

export interface VerifyOptions {
  /** Where to run (a task's worktree, or the folder inside it that matches the user's subfolder). */
  cwd: string;
  /** The command and its arguments, each passed to the program as is. */
  argv: readonly string[];
  /** Wall-clock limit; none when absent or not positive. */
  timeoutMs?: number;
  /** Environment; default process.env (git's repository variables are dropped either way). */
  env?: NodeJS.ProcessEnv;
  /** After a timeout or an abort: SIGTERM to the group, this long, then SIGKILL. Default 2000 ms. */
  killGraceMs?: number;
  /** Stops the command (the whole group, as on timeout), e.g. when the run is interrupted. */
  signal?: AbortSignal;
}

export interface VerifyResult {
  /** Exited with 0 before any limit. */
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Stopped through `signal`. */
  aborted: boolean;
  /** The last VERIFY_TAIL_LINES lines (at most VERIFY_TAIL_BYTES) of stdout and stderr, interleaved. */
  outputTail: string;
  durationMs: number;
  /** Why the command could not start (e.g. `command not found: x`), else null. */
  error: string | null;
}

/** The end of an output stream, held in bounded memory whatever the command prints. */
class OutputTail {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private cut = false;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes > 2 * VERIFY_TAIL_BYTES) {
      const kept = Buffer.concat(this.chunks).subarray(-VERIFY_TAIL_BYTES);
      this.chunks = [kept];
      this.bytes = kept.length;
      this.cut = true;
    }
  }

  text(): string {
    let buffer = Buffer.concat(this.chunks);
    let cut = this.cut;
    if (buffer.length > VERIFY_TAIL_BYTES) {
      buffer = buffer.subarray(-VERIFY_TAIL_BYTES);
      cut = true;
    }
    let text = buffer.toString('utf8');
    // A tail cut mid-line (or mid-character) starts at the next whole line.
    if (cut && text.includes('\n')) text = text.slice(text.indexOf('\n') + 1);
    const lines = text.replace(/\n$/, '').split('\n');
    return lines.slice(-VERIFY_TAIL_LINES).join('\n');
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}

/** Runs `argv` in `cwd`. Never rejects for the command's sake: a failure is `ok: false`. */
export function runVerify(options: VerifyOptions): Promise<VerifyResult> {
  const argv = options.argv;
  if (!Array.isArray(argv) || argv.length === 0 || typeof argv[0] !== 'string' || argv[0] === '') {
    throw new TypeError('runVerify: argv must be a non-empty array of strings');
  }
  const timeoutMs =
    typeof options.timeoutMs === 'number' && options.timeoutMs > 0 ? options.timeoutMs : null;
  const graceMs = options.killGraceMs ?? DEFAULT_VERIFY_KILL_GRACE_MS;
  const started = performance.now();
  const tail = new OutputTail();

  return new Promise((resolve) => {
    const child = crossSpawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: withoutRepositoryVariables(options.env ?? process.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout reaches everything it started.
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    let timedOut = false;
    let aborted = false;
    let exit: { code: number | null; signal: string | null } | null = null;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];

    const settle = (error: string | null) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      options.signal?.removeEventListener('abort', onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      const exitCode = exit?.code ?? null;
      resolve({
        ok: error === null && !timedOut && !aborted && exitCode === 0,
        exitCode,
        signal: exit?.signal ?? null,
        timedOut,
        aborted,
        outputTail: error === null ? tail.text() : [tail.text(), error].filter(Boolean).join('\n'),
        durationMs: performance.now() - started,
        error,
      });
    };

    child.stdout?.on('data', (c: Buffer) => tail.push(c));
    child.stderr?.on('data', (c: Buffer) => tail.push(c));
    child.on('error', (error: NodeJS.ErrnoException) => {
      settle(
        error.code === 'ENOENT'
          ? `command not found: ${argv[0]} (or the folder ${options.cwd} does not exist)`
          : `could not start ${argv[0]}: ${error.message}`,
      );
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Whatever it left running in its group goes too: the worktree is about to be reused.
      signalGroup(child, 'SIGKILL');
      timers.push(setTimeout(() => settle(null), STDIO_GRACE_MS));
    });
    child.on('close', () => {
      if (exit !== null) settle(null);
    });
    /** SIGTERM to the group now, SIGKILL after the grace. */
    const stop = () => {
      signalGroup(child, 'SIGTERM');
      timers.push(setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs));
    };
    function onAbort() {
      if (exit !== null || aborted || timedOut) return;
      aborted = true;
      stop();
    }
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort);
    if (timeoutMs !== null) {
      timers.push(
        setTimeout(() => {
          if (exit !== null || aborted) return;
          timedOut = true;
          stop();
        }, timeoutMs),
      );
    }
  });
}
