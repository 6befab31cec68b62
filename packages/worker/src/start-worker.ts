/**
 * One task, one process: spawn the child, log what it prints while reading the agent's progress
 * from it, stop it when a limit says so, and once it has exited and its log is complete, settle
 * `done` with what happened.
 */
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { formatDuration, oneLine } from '@program-nova/core';
import { AgentProgress } from './agent-progress.js';
import { AttemptLog, logUnavailableError } from './attempt-log.js';
import { emitSafely } from './emit-safely.js';
import { WorkerError } from './errors.js';
import {
  assertStartable,
  feedStdin,
  type Launch,
  logHeader,
  prepareLaunch,
  spawnChild,
} from './launch.js';
import { type AttemptFacts, classifyOutcome } from './outcome.js';
import { diagnoseSpawnError, isDirectory, missingWorkingDirectory } from './spawn-diagnosis.js';
import { StopController } from './stop-controller.js';
import type { StartWorkerOptions, WorkerEvents, WorkerProcess, WorkerResult } from './types.js';
import { DEFAULT_MAX_LINE_BYTES } from './usage.js';

export const DEFAULT_KILL_GRACE_MS = 5000;
export const DEFAULT_RESULT_GRACE_MS = 5000;
export const DEFAULT_MAX_LOG_BYTES = 128 * 1024 * 1024;
export const DEFAULT_PROGRESS_INTERVAL_MS = 250;
/** stderr kept in memory for the failure message (the full text is in the log). */
const STDERR_TAIL_BYTES = 16 * 1024;

const positive = (v: number | undefined): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;

/** Starts one task as one process. Never throws for a process problem: see `done`. */
export function startWorker(options: StartWorkerOptions): WorkerProcess {
  return new LocalWorker(options);
}

class LocalWorker extends EventEmitter implements WorkerProcess {
  readonly taskId: string;
  readonly logPath: string;
  readonly startedAt = new Date();
  readonly argv: readonly string[];
  readonly done: Promise<WorkerResult>;
  pid: number | null = null;
  pgid: number | null = null;

  readonly #launch: Launch;
  readonly #limits: Pick<AttemptFacts, 'timeoutMs' | 'inactivityMs' | 'maxLogBytes'>;
  readonly #progress: AgentProgress;
  readonly #stopper: StopController;
  readonly #log: AttemptLog;
  #child: ChildProcess | null = null;
  /** A problem that kept the child from running: it decides the outcome. */
  #setupError: WorkerError | null = null;
  #spawnFailed = false;
  #stderrTail = Buffer.alloc(0);
  #exitCode: number | null = null;
  #exitSignal: string | null = null;
  #endedAt: number | null = null;
  #finishing = false;
  #settled = false;
  #resolve!: (result: WorkerResult) => void;

  constructor(o: StartWorkerOptions) {
    super();
    assertStartable(o);
    this.taskId = o.task.id;
    this.done = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    const launch = prepareLaunch(o);
    this.#launch = launch;
    this.argv = launch.argv;
    this.logPath = launch.logPath;
    this.#limits = {
      timeoutMs: positive(o.timeoutMs),
      inactivityMs: positive(o.inactivityTimeoutMs),
      maxLogBytes: positive(o.maxLogBytes) ?? DEFAULT_MAX_LOG_BYTES,
    };
    this.#progress = new AgentProgress({
      maxLineBytes: positive(o.maxLineBytes) ?? DEFAULT_MAX_LINE_BYTES,
      intervalMs: o.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
      emit: (event, ...args) => emitSafely(this, event, args),
      onResult: () => this.#stopper.resultSeen(),
    });

    const cwdOk = isDirectory(launch.cwd);
    let spawnError: NodeJS.ErrnoException | null = null;
    if (cwdOk) {
      try {
        this.#child = spawnChild(launch);
      } catch (error) {
        spawnError = error as NodeJS.ErrnoException;
      }
    }
    const child = this.#child;
    if (typeof child?.pid === 'number') {
      this.pid = child.pid;
      this.pgid = process.platform === 'win32' ? null : child.pid;
    }
    this.#stopper = new StopController(
      { pgid: this.pgid, killLeader: (signal) => child?.kill(signal) },
      {
        killGraceMs: positive(o.killGraceMs) ?? DEFAULT_KILL_GRACE_MS,
        resultGraceMs: positive(o.resultGraceMs) ?? DEFAULT_RESULT_GRACE_MS,
        timeoutMs: this.#limits.timeoutMs,
        inactivityMs: this.#limits.inactivityMs,
      },
    );

    // The log is created while the child starts: creating a file can take a while, and the child
    // need not wait for it. What it prints first is held until the log is there.
    this.#log = new AttemptLog({
      logsDir: launch.logsDir,
      taskId: this.taskId,
      path: launch.logPath,
      header: logHeader(this.taskId, launch, this.startedAt),
      maxBytes: this.#limits.maxLogBytes,
      flow: { pause: () => this.#flow('pause'), resume: () => this.#flow('resume') },
      onCap: () => this.#stopper.stop('output_cap'),
    });
    void this.#log.ready.then(() => {
      if (this.#log.openError === null) return;
      // Takes precedence over any other setup problem, as nothing could be logged about it.
      this.#setupError = logUnavailableError(
        this.taskId,
        launch.logsDir,
        this.logPath,
        this.#log.openError,
      );
      // A child already started is killed before it gets going; what it printed is not logged.
      if (this.pid !== null && this.#exitCode === null && this.#exitSignal === null) {
        this.#stopper.killNow();
      }
      this.#child?.stdin?.destroy();
    });

    if (!cwdOk) {
      this.#failEarly(missingWorkingDirectory(this.taskId, launch.cwd));
    } else if (child === null) {
      this.#failEarly(this.#spawnFailure(spawnError ?? new Error('spawn returned nothing')));
    } else {
      this.#watch(child);
      feedStdin(child, launch.stdinText);
      if (this.pid !== null) this.#stopper.started();
    }
  }

  terminate(): Promise<void> {
    const settled = this.done.then(() => undefined);
    if (!this.#settled && this.#child !== null) this.#stopper.terminate();
    return settled;
  }

  #watch(child: ChildProcess): void {
    child.on('spawn', () => this.#emit('spawn'));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (this.pid !== null || this.#spawnFailed) return;
      this.#spawnFailed = true;
      this.#setupError ??= this.#spawnFailure(error);
      // 'close' may or may not follow a failed spawn, depending on the error: do not wait for it.
      setImmediate(() => void this.#finish());
    });
    child.on('exit', (code, signal) => {
      this.#exitCode = code;
      this.#exitSignal = signal;
      this.#endedAt = Date.now();
      this.#stopper.leaderExited(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        setImmediate(() => void this.#finish());
      });
    });
    child.on('close', () => void this.#finish());
    child.stdout?.on('data', (chunk: Buffer) => this.#onOutput(chunk, true));
    child.stderr?.on('data', (chunk: Buffer) => this.#onOutput(chunk, false));
  }

  #onOutput(chunk: Buffer, isStdout: boolean): void {
    this.#stopper.outputSeen();
    if (!isStdout) {
      this.#stderrTail =
        chunk.length >= STDERR_TAIL_BYTES
          ? Buffer.from(chunk.subarray(chunk.length - STDERR_TAIL_BYTES))
          : Buffer.concat([this.#stderrTail, chunk]).subarray(-STDERR_TAIL_BYTES);
    }
    const logged = this.#log.append(chunk);
    // Past the cap nothing is parsed either: the outcome is OUTPUT_CAP whatever the agent says.
    if (isStdout) this.#progress.push(logged);
  }

  /** Back-pressure: the child's pipes are paused while the log cannot take more. */
  #flow(action: 'pause' | 'resume'): void {
    this.#child?.stdout?.[action]();
    this.#child?.stderr?.[action]();
  }

  #failEarly(error: WorkerError): void {
    this.#setupError = error;
    setImmediate(() => void this.#finish());
  }

  #spawnFailure(error: NodeJS.ErrnoException): WorkerError {
    return diagnoseSpawnError(
      this.taskId,
      this.#launch.command,
      error,
      this.#launch.env.PATH,
      this.#launch.cwd,
    );
  }

  async #finish(): Promise<void> {
    if (this.#finishing) return;
    this.#finishing = true;
    try {
      await this.#log.flush();
      this.#progress.end();
      this.#endedAt ??= Date.now();
      await this.#stopper.settle();
      const result = classifyOutcome(this.#facts());
      if (this.pid !== null) this.#progress.reportTokens();
      await this.#log.close(footer(result));
      // Known only now: the footer itself may be what a full disk refused.
      this.#settle({ ...result, logIncomplete: this.#log.incomplete() });
    } catch (error) {
      // Never leave `done` pending or rejected.
      const internal = new WorkerError(
        'SPAWN_FAILED',
        `Task ${this.taskId}: internal error while finishing: ${(error as Error)?.message}`,
        { cause: error },
      );
      this.#settle(classifyOutcome({ ...this.#facts(), setupError: internal }));
    }
  }

  #facts(): AttemptFacts {
    const end = this.#endedAt ?? Date.now();
    return {
      taskId: this.taskId,
      command: this.#launch.command,
      logPath: this.logPath,
      setupError: this.#setupError,
      exitCode: this.#exitCode,
      signal: this.#exitSignal,
      stopReason: this.#stopper.reason,
      resultBeforeStop: this.#stopper.resultBeforeStop,
      terminateCalls: this.#stopper.terminateCalls,
      ...this.#limits,
      summary: this.#progress.summary(),
      stderr: this.#stderrTail.toString('utf8'),
      logIncomplete: this.#log.incomplete(),
      durationMs: Math.max(0, end - this.startedAt.getTime()),
      now: Date.now(),
    };
  }

  #settle(result: WorkerResult): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve(result);
  }

  #emit<E extends keyof WorkerEvents>(event: E, ...args: WorkerEvents[E]): void {
    emitSafely(this, event, args);
  }
}

/** The log's last line: how the attempt ended. */
function footer(result: WorkerResult): string {
  return result.ok
    ? `# nova: succeeded (exit code 0${result.stoppedAfterResult ? ', stopped after its result' : ''}) after ${formatDuration(result.durationMs)}\n`
    : `# nova: failed ${result.error.code} after ${formatDuration(result.durationMs)}: ${oneLine(result.error.message, 2000)}\n`;
}
