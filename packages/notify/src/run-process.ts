/**
 * Runs one notification command: argv without a shell, optional text on stdin, its own process
 * group so that a hung command is stopped with everything it started.
 */
import type { ChildProcess } from 'node:child_process';
import crossSpawn from 'cross-spawn';

export interface RunProcessOptions {
  /** Written to stdin, which is then closed; null: stdin is /dev/null. */
  stdin: string | null;
  timeoutMs: number;
  cwd?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** Aborting stops the process as a timeout does. */
  signal?: AbortSignal | undefined;
  /** After SIGTERM, how long before SIGKILL (default 2 s). */
  killGraceMs?: number;
}

export interface ProcessOutcome {
  /** Exit code; null when it died of a signal or never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** It was stopped for running past its timeout (or for the abort). */
  timedOut: boolean;
  /** It could not be started (ENOENT, EACCES, ...). */
  spawnError: NodeJS.ErrnoException | null;
  /** The end of what it wrote to stderr (at most 4 KiB). */
  stderr: string;
}

const STDERR_KEPT = 4096;

export function runProcess(
  argv: readonly string[],
  options: RunProcessOptions,
): Promise<ProcessOutcome> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = crossSpawn(argv[0] as string, argv.slice(1), {
        cwd: options.cwd,
        env: options.env,
        // Its own process group: a timeout stops the command and whatever it started.
        detached: process.platform !== 'win32',
        stdio: [options.stdin === null ? 'ignore' : 'pipe', 'ignore', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      resolve({
        code: null,
        signal: null,
        timedOut: false,
        spawnError: error as NodeJS.ErrnoException,
        stderr: '',
      });
      return;
    }
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-STDERR_KEPT);
    });
    if (options.stdin !== null && child.stdin) {
      // EPIPE when the command exits without reading its input: not a failure of ours.
      child.stdin.on('error', () => {});
      child.stdin.end(options.stdin);
    }

    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (timedOut) return;
      timedOut = true;
      signalGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), options.killGraceMs ?? 2000);
    };
    const timer = setTimeout(stop, options.timeoutMs);
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.signal?.aborted) stop();

    let settled = false;
    const finish = (code: number | null, sig: NodeJS.Signals | null, err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', stop);
      if (killTimer !== undefined) {
        // The leader is gone; what it started in its group goes with it now.
        clearTimeout(killTimer);
        signalGroup(child, 'SIGKILL');
      }
      // A background process of the command may hold stderr open: the exit is what counts.
      child.stderr?.destroy();
      resolve({
        code,
        signal: sig,
        timedOut,
        spawnError: err as NodeJS.ErrnoException | null,
        stderr,
      });
    };
    child.on('error', (error) => finish(null, null, error));
    child.on('exit', (code, sig) => finish(code, sig, null));
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}
