import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { WriteStream } from 'node:fs';
import { accessSync, closeSync, constants, createWriteStream, statSync, writeSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import {
  formatBytes,
  formatDuration,
  isTaskId,
  logFileName,
  oneLine,
  TASK_ID_PATTERN_TEXT,
  tailLines,
} from '@program-nova/core';
import crossSpawn from 'cross-spawn';
import { WorkerError } from './errors.js';
import { openAttemptLog } from './log-file.js';
import { indent, lastNonEmptyLine } from './messages.js';
import { isProcessAlive, killProcessGroup } from './process-group.js';
import { buildPrompt } from './prompt.js';
import {
  DEFAULT_COMMAND,
  DEFAULT_MODEL,
  DEFAULT_STDIN,
  expandTemplate,
  expandText,
} from './template.js';
import type { Throttled } from './throttle.js';
import { throttle } from './throttle.js';
import type {
  AgentOutputSummary,
  StartWorkerOptions,
  TemplateValues,
  UsageTracker,
  WorkerProcess,
  WorkerResult,
} from './types.js';
import { createUsageTracker, DEFAULT_MAX_LINE_BYTES, detectUsageLimit } from './usage.js';

export const DEFAULT_KILL_GRACE_MS = 5000;
export const DEFAULT_RESULT_GRACE_MS = 5000;
export const DEFAULT_MAX_LOG_BYTES = 128 * 1024 * 1024;
export const DEFAULT_PROGRESS_INTERVAL_MS = 250;
/** stderr kept in memory for the failure message (the full text is in the log). */
const STDERR_TAIL_BYTES = 16 * 1024;
const STDERR_TAIL_LINES = 20;
/** Output held in memory while the log is being created, before the child's pipes are paused. */
const HELD_OUTPUT_BYTES = 1024 * 1024;

type StopReason = 'terminated' | 'timeout' | 'inactivity' | 'output_cap' | 'result_grace';

const positive = (v: number | undefined): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;

/**
 * The caller's mistakes that startWorker throws for (rather than report through `done`): shared
 * with the worker host, whose client must throw them in the caller too.
 */
export function assertStartable(o: StartWorkerOptions): void {
  if (!isTaskId(o.task.id)) {
    throw new TypeError(
      `startWorker: task id ${JSON.stringify(o.task.id)} cannot name a log file (expected ${TASK_ID_PATTERN_TEXT})`,
    );
  }
  const template = o.command ?? DEFAULT_COMMAND;
  if (template.length === 0 || template[0] === '') {
    throw new TypeError('startWorker: the command template is empty');
  }
}

/** Emits `event`; a listener that throws is reported as a warning, never breaks the bookkeeping. */
export function emitSafely(emitter: EventEmitter, event: string, args: unknown[]): void {
  try {
    emitter.emit(event, ...args);
  } catch (error) {
    process.emitWarning(
      `@program-nova/worker: a '${event}' listener threw: ${(error as Error)?.message ?? String(error)}`,
    );
  }
}

/** Starts one task as one process. Never throws for a process problem: see `done`. */
export function startWorker(options: StartWorkerOptions): WorkerProcess {
  return new LocalWorker(options);
}

class LocalWorker extends EventEmitter implements WorkerProcess {
  readonly taskId: string;
  readonly logPath: string;
  readonly startedAt: Date;
  readonly argv: readonly string[];
  readonly done: Promise<WorkerResult>;
  pid: number | null = null;
  pgid: number | null = null;

  private resolveDone!: (r: WorkerResult) => void;
  private readonly tracker: UsageTracker;
  private readonly command: string;
  private readonly killGraceMs: number;
  private readonly resultGraceMs: number;
  private readonly maxLogBytes: number;
  private readonly timeoutMs: number | undefined;
  private readonly inactivityMs: number | undefined;
  private child: ChildProcess | null = null;
  private log: WriteStream | null = null;
  private logFd = -1;
  /** Settles (never rejects) once the log is open, or known impossible. */
  private logReady: Promise<void> = Promise.resolve();
  /** Output that arrived before the log was open; null from then on. */
  private heldOutput: { chunk: Buffer; isStdout: boolean }[] | null = [];
  private heldBytes = 0;
  private heldPaused = false;
  private logError: Error | null = null;
  private logBytes = 0;
  private capped = false;
  private paused = false;
  private stderrTail = Buffer.alloc(0);
  private lastOutputAt = Date.now();
  private spawnError: NodeJS.ErrnoException | null = null;
  private setupError: WorkerError | null = null;
  private exited = false;
  private exitCode: number | null = null;
  private exitSignal: string | null = null;
  private endedAt: number | null = null;
  private finished = false;
  private settled = false;
  private stopReason: StopReason | null = null;
  private resultBeforeStop = false;
  private terminateCalls = 0;
  private wallTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private resultTimer: NodeJS.Timeout | null = null;
  private killTimer: NodeJS.Timeout | null = null;
  private stdioTimer: NodeJS.Timeout | null = null;
  private initEmitted = false;
  private resultSeen = false;
  private lastActivity: string | null = null;
  private readonly tokensOut: Throttled;
  private readonly activityOut: Throttled;

  constructor(o: StartWorkerOptions) {
    super();
    assertStartable(o);
    const task = o.task;
    const template = o.command ?? DEFAULT_COMMAND;
    this.taskId = task.id;
    this.startedAt = new Date();
    this.done = new Promise((r) => {
      this.resolveDone = (result) => {
        this.settled = true;
        r(result);
      };
    });
    this.killGraceMs = positive(o.killGraceMs) ?? DEFAULT_KILL_GRACE_MS;
    this.resultGraceMs = positive(o.resultGraceMs) ?? DEFAULT_RESULT_GRACE_MS;
    this.maxLogBytes = positive(o.maxLogBytes) ?? DEFAULT_MAX_LOG_BYTES;
    this.timeoutMs = positive(o.timeoutMs);
    this.inactivityMs = positive(o.inactivityTimeoutMs);
    this.tracker = createUsageTracker({
      maxLineBytes: positive(o.maxLineBytes) ?? DEFAULT_MAX_LINE_BYTES,
    });
    const interval = o.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    this.tokensOut = throttle(() => this.emitTokens(), interval);
    this.activityOut = throttle(() => {
      if (this.lastActivity !== null) this.safeEmit('activity', this.lastActivity);
    }, interval);

    const model = task.model ?? o.model ?? DEFAULT_MODEL;
    const usesPrompt =
      template.some((a) => a.includes('{prompt}')) ||
      o.stdin === undefined ||
      (o.stdin?.includes('{prompt}') ?? false);
    const values: TemplateValues = {
      id: task.id,
      name: task.name,
      description: task.description,
      branch: task.branch,
      group: task.group,
      project: o.project,
      model,
      prompt: usesPrompt
        ? buildPrompt({ project: o.project, task, dependencies: o.dependencies })
        : '',
    };
    this.argv = Object.freeze(expandTemplate(template, values));
    this.command = this.argv[0] as string;
    const stdinText = o.stdin === null ? null : expandText(o.stdin ?? DEFAULT_STDIN, values);
    const cwd = resolve(o.cwd ?? process.cwd());
    const logsDir = resolve(o.logsDir);
    this.logPath = join(logsDir, logFileName(task.id));

    const env: NodeJS.ProcessEnv = { ...(o.env ?? process.env) };
    // Claude Code refuses to start inside another Claude Code session that set this.
    delete env.CLAUDECODE;
    env.NOVA_TASK_ID = task.id;
    env.NOVA_PROJECT = o.project;
    if (o.stateFile !== undefined) env.NOVA_STATE_FILE = resolve(o.stateFile);
    else delete env.NOVA_STATE_FILE;

    let cwdOk = false;
    try {
      cwdOk = statSync(cwd).isDirectory();
    } catch {
      cwdOk = false;
    }
    let started: ChildProcess | null = null;
    let spawnThrew: NodeJS.ErrnoException | null = null;
    if (cwdOk) {
      try {
        started = crossSpawn(this.command, this.argv.slice(1), {
          cwd,
          env,
          // Own process group (setsid): the whole tree can be signalled as -pgid.
          detached: true,
          // Without stdin text the child gets /dev/null: end of input at once, as a closed pipe
          // would give, without a pipe to create and close per attempt.
          stdio: [stdinText === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
          windowsHide: true,
        });
      } catch (error) {
        spawnThrew = error as NodeJS.ErrnoException;
      }
    }

    // The log is created while the child starts (see openAttemptLog). Output that comes first is
    // held in memory (past 1 MiB the pipes are paused, so the child waits) and logged once it is there.
    const header =
      `# nova: task ${task.id}, attempt started ${this.startedAt.toISOString()}\n` +
      `# nova: argv ${JSON.stringify(this.argv)}\n# nova: cwd ${cwd}\n`;
    this.logReady = openAttemptLog(logsDir, task.id, header).then(
      (fd) => {
        this.logFd = fd;
        this.releaseHeldOutput();
      },
      (error: unknown) => {
        // Takes precedence over any other setup problem, as nothing could be logged about it.
        this.setupError = new WorkerError(
          'SPAWN_FAILED',
          `Task ${task.id}: could not prepare its log file ${this.logPath}: ${(error as Error).message}. Check that the logs folder ${logsDir} is writable.`,
          { cause: error },
        );
        // A child already started is killed before it gets going; its output is drained unread.
        if (this.child !== null && this.pid !== null && !this.exited) this.signal('SIGKILL');
        this.child?.stdin?.destroy();
        this.capped = true;
        this.releaseHeldOutput();
      },
    );

    if (!cwdOk) {
      // Checked before spawning because spawn reports a missing cwd as ENOENT, which reads like a
      // missing command.
      this.failEarly(
        new WorkerError(
          'SPAWN_FAILED',
          `Task ${task.id}: the working directory ${cwd} does not exist or is not a folder.`,
        ),
      );
      return;
    }
    if (spawnThrew !== null || started === null) {
      this.failEarly(
        this.spawnFailure(spawnThrew ?? new Error('spawn returned nothing'), env.PATH),
      );
      return;
    }
    const child: ChildProcess = started;
    this.child = child;
    if (typeof child.pid === 'number') {
      this.pid = child.pid;
      this.pgid = process.platform === 'win32' ? null : child.pid;
    }

    child.on('spawn', () => this.safeEmit('spawn'));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (this.pid === null && this.spawnError === null) {
        this.spawnError = error;
        this.setupError = this.spawnFailure(error, env.PATH);
        // 'close' may or may not follow a failed spawn, depending on the error: do not wait for it.
        setImmediate(() => void this.finish());
      }
    });
    child.on('exit', (code, signal) => this.onExit(code, signal));
    child.on('close', () => void this.finish());

    child.stdout?.on('data', (chunk: Buffer) => this.onData(chunk, true));
    child.stderr?.on('data', (chunk: Buffer) => this.onData(chunk, false));

    const stdin = child.stdin;
    if (stdin && stdinText !== null) {
      // EPIPE when the child exits (or closes stdin) before reading it all: not our failure.
      stdin.on('error', () => {});
      stdin.end(stdinText);
    }

    if (this.pid !== null) {
      if (this.timeoutMs !== undefined) {
        this.wallTimer = setTimeout(() => this.stop('timeout'), this.timeoutMs);
      }
      if (this.inactivityMs !== undefined) this.armIdle(this.inactivityMs);
    }
  }

  private onData(chunk: Buffer, isStdout: boolean): void {
    const held = this.heldOutput;
    if (held === null) {
      this.onOutput(chunk, isStdout);
      return;
    }
    held.push({ chunk, isStdout });
    this.heldBytes += chunk.length;
    if (this.heldBytes >= HELD_OUTPUT_BYTES && !this.heldPaused) {
      this.heldPaused = true;
      this.child?.stdout?.pause();
      this.child?.stderr?.pause();
    }
  }

  /** The log is open (or known impossible): what came before it goes through onOutput now. */
  private releaseHeldOutput(): void {
    const held = this.heldOutput ?? [];
    this.heldOutput = null;
    this.heldBytes = 0;
    if (this.heldPaused) {
      this.heldPaused = false;
      if (!this.paused) {
        this.child?.stdout?.resume();
        this.child?.stderr?.resume();
      }
    }
    for (const { chunk, isStdout } of held) this.onOutput(chunk, isStdout);
  }

  terminate(): Promise<void> {
    const settled = this.done.then(() => undefined);
    if (this.settled || this.child === null) return settled;
    this.terminateCalls += 1;
    // After the leader exited, what is left is its group being reaped: a second call still hurries it.
    if (this.terminateCalls === 1) {
      if (!this.exited) this.stop('terminated');
    } else this.signal('SIGKILL');
    return settled;
  }

  // ---- output ----

  private onOutput(chunk: Buffer, isStdout: boolean): void {
    this.lastOutputAt = Date.now();
    if (!isStdout) {
      this.stderrTail =
        chunk.length >= STDERR_TAIL_BYTES
          ? Buffer.from(chunk.subarray(chunk.length - STDERR_TAIL_BYTES))
          : Buffer.concat([this.stderrTail, chunk]).subarray(-STDERR_TAIL_BYTES);
    }
    if (this.capped) return; // drained and dropped while the process is being stopped
    let data = chunk;
    const room = this.maxLogBytes - this.logBytes;
    if (data.length > room) {
      data = chunk.subarray(0, room);
      this.capped = true;
    }
    this.logBytes += data.length;
    if (isStdout && data.length > 0 && this.tracker.push(data)) this.onProgress();
    const ok = this.writeLog(data);
    if (this.capped) {
      this.writeLog(
        `\n# nova: output reached the log cap of ${formatBytes(this.maxLogBytes)}; stopping the process\n`,
      );
      this.stop('output_cap');
      this.resume();
    } else if (!ok) this.pause();
  }

  private writeLog(data: Buffer | string): boolean {
    if (this.logFd < 0 || this.logError !== null) return true;
    // The stream is made on the first output: an attempt that prints nothing (a no-op task)
    // costs no stream, only the descriptor, which closeLog closes.
    const log = this.log ?? this.openLogStream();
    if (log.destroyed) return true;
    return log.write(data);
  }

  private openLogStream(): WriteStream {
    const log = createWriteStream(this.logPath, { fd: this.logFd, highWaterMark: 256 * 1024 });
    log.on('error', (error) => {
      // A log that cannot be written must not take the run down: the child keeps running,
      // its output is still parsed, and the problem is reported with the outcome.
      this.logError ??= error;
      this.resume();
    });
    this.log = log;
    return log;
  }

  /** Back-pressure: stop reading the child while the log file catches up. */
  private pause(): void {
    if (this.paused || this.log === null) return;
    this.paused = true;
    this.child?.stdout?.pause();
    this.child?.stderr?.pause();
    this.log.once('drain', () => this.resume());
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.child?.stdout?.resume();
    this.child?.stderr?.resume();
  }

  private onProgress(): void {
    const s = this.tracker.summary();
    if (!this.initEmitted && (s.sessionId !== null || s.model !== null)) {
      this.initEmitted = true;
      this.safeEmit('init', { model: s.model, sessionId: s.sessionId });
    }
    this.tokensOut.call();
    const step = this.tracker.lastActivity();
    if (step !== null && step !== this.lastActivity) {
      this.lastActivity = step;
      this.activityOut.call();
    }
    if (s.result !== null && !this.resultSeen) {
      this.resultSeen = true;
      if (!this.exited) {
        this.resultTimer = setTimeout(() => this.stop('result_grace'), this.resultGraceMs);
      }
    }
  }

  private emitTokens(): void {
    const s = this.tracker.summary();
    this.safeEmit('tokens', { usage: s.usage, costUsd: s.costUsd, model: s.model });
  }

  private safeEmit(event: string, ...args: unknown[]): void {
    emitSafely(this, event, args);
  }

  // ---- stopping ----

  private armIdle(ms: number): void {
    this.idleTimer = setTimeout(() => {
      const idle = Date.now() - this.lastOutputAt;
      if (this.exited) return;
      if (idle >= (this.inactivityMs as number)) this.stop('inactivity');
      else this.armIdle((this.inactivityMs as number) - idle);
    }, ms);
  }

  private stop(reason: StopReason | null): void {
    if (reason !== null && this.stopReason === null && !this.exited) {
      this.stopReason = reason;
      this.resultBeforeStop = this.resultSeen;
    }
    this.signal('SIGTERM');
    this.killTimer ??= setTimeout(() => this.signal('SIGKILL'), this.killGraceMs);
  }

  private signal(sig: NodeJS.Signals): void {
    try {
      if (this.pgid !== null) {
        killProcessGroup(this.pgid, sig);
      } else if (!this.exited) this.child?.kill(sig);
    } catch {
      // The group is gone or not ours any more: nothing left to stop.
    }
  }

  private groupAlive(): boolean {
    if (this.pgid === null) return false;
    try {
      return isProcessAlive(-this.pgid);
    } catch {
      return false;
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    this.exitCode = code;
    this.exitSignal = signal;
    this.endedAt = Date.now();
    for (const t of [this.wallTimer, this.idleTimer, this.resultTimer]) if (t) clearTimeout(t);
    // Anything the leader left behind in its group is an orphan: stop it too.
    if (this.groupAlive()) this.stop(null);
    // A process that left the group can keep our pipes open forever: stop waiting eventually.
    this.stdioTimer = setTimeout(() => {
      this.child?.stdout?.destroy();
      this.child?.stderr?.destroy();
      setImmediate(() => void this.finish());
    }, this.killGraceMs + 2000);
  }

  // ---- outcome ----

  private failEarly(error: WorkerError): void {
    this.setupError = error;
    setImmediate(() => void this.finish());
  }

  private async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    try {
      await this.logReady;
      for (const t of [this.wallTimer, this.idleTimer, this.resultTimer, this.stdioTimer]) {
        if (t) clearTimeout(t);
      }
      if (this.tracker.end()) this.onProgress();
      this.tokensOut.cancel();
      this.activityOut.flush();
      this.endedAt ??= Date.now();
      if (this.killTimer !== null) await this.waitForGroup();
      if (this.killTimer) clearTimeout(this.killTimer);
      const result = this.outcome();
      if (this.pid !== null) this.emitTokens();
      const line = result.ok
        ? `# nova: succeeded (exit code 0${result.stoppedAfterResult ? ', stopped after its result' : ''}) after ${formatDuration(result.durationMs)}\n`
        : `# nova: failed ${result.error.code} after ${formatDuration(result.durationMs)}: ${oneLine(result.error.message, 2000)}\n`;
      await this.closeLog(line);
      this.resolveDone(result);
    } catch (error) {
      // Never leave `done` pending or rejected.
      this.resolveDone(
        this.failure(
          new WorkerError(
            'SPAWN_FAILED',
            `Task ${this.taskId}: internal error while finishing: ${(error as Error)?.message}`,
            { cause: error },
          ),
        ),
      );
    }
  }

  /** After a stop, wait (bounded) until no process of the group is left. */
  private async waitForGroup(): Promise<void> {
    const until = Date.now() + this.killGraceMs + 3000;
    while (this.groupAlive() && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Completes the log before `done` settles: waits for queued writes, then appends the footer
   * synchronously. Closing the descriptor is not awaited (the content is complete by then), which
   * saves a thread-pool round trip per attempt.
   */
  private async closeLog(line: string): Promise<void> {
    const log = this.log;
    if (log === null) {
      // Nothing was printed: no stream, only the descriptor.
      if (this.logFd < 0) return;
      const fd = this.logFd;
      this.logFd = -1;
      try {
        writeSync(fd, line);
      } catch (error) {
        this.logError ??= error as Error;
      }
      try {
        closeSync(fd);
      } catch {
        // Closing a descriptor we wrote to cannot lose data on a local file system.
      }
      return;
    }
    if (log.destroyed || this.logError !== null) return;
    if (log.writableLength > 0) {
      await new Promise<void>((res) => {
        log.once('error', () => res());
        // Writes complete in order: this callback runs once everything before it is on disk.
        log.write('', () => res());
      });
    }
    if (this.logError === null && !log.destroyed) {
      try {
        writeSync(this.logFd, line);
      } catch (error) {
        this.logError = error as Error;
      }
    }
    log.destroy();
  }

  private base(s: AgentOutputSummary) {
    const end = this.endedAt ?? Date.now();
    return {
      usage: s.usage,
      costUsd: s.costUsd,
      model: s.model,
      sessionId: s.sessionId,
      durationMs: Math.max(0, end - this.startedAt.getTime()),
      logPath: this.logPath,
    };
  }

  private failure(error: WorkerError): WorkerResult {
    return { ok: false, error, ...this.base(this.tracker.summary()) };
  }

  private where(): string {
    return this.logError
      ? `(the log ${this.logPath} could not be written: ${this.logError.message})`
      : `Log: ${this.logPath}`;
  }

  private outcome(): WorkerResult {
    if (this.setupError) return this.failure(this.setupError);
    const s = this.tracker.summary();
    const id = this.taskId;
    const cmd = JSON.stringify(this.command);
    const fields = { exitCode: this.exitCode, signal: this.exitSignal };
    const stderr = tailLines(this.stderrTail.toString('utf8'), STDERR_TAIL_LINES);
    const stderrPart =
      stderr === ''
        ? ' It printed nothing on stderr.'
        : `\nLast lines of stderr:\n${indent(stderr)}`;
    const judgedByResult =
      this.stopReason === 'result_grace' ||
      ((this.stopReason === 'timeout' || this.stopReason === 'inactivity') &&
        this.resultBeforeStop);
    const fail = (
      code: ConstructorParameters<typeof WorkerError>[0],
      message: string,
      extra = {},
    ) => this.failure(new WorkerError(code, message, { ...fields, stderrTail: stderr, ...extra }));

    switch (this.stopReason) {
      case 'terminated':
        return fail(
          'TERMINATED',
          `Task ${id}: stopped by Nova before it finished (its process group was sent SIGTERM${this.terminateCalls > 1 ? ', then SIGKILL' : ''}). ${this.where()}`,
        );
      case 'timeout':
        if (!judgedByResult) {
          return fail(
            'TIMEOUT',
            `Task ${id}: still running after its wall-clock timeout of ${formatDuration(this.timeoutMs as number)}, so it was stopped. If it needs longer, raise its Timeout (column or --timeout); otherwise see what it was doing at the end of its log. ${this.where()}`,
            { timedOut: true },
          );
        }
        break;
      case 'inactivity':
        if (!judgedByResult) {
          return fail(
            'INACTIVITY_TIMEOUT',
            `Task ${id}: printed nothing for ${formatDuration(this.inactivityMs as number)} (inactivity timeout), so it was stopped. It may be waiting for input or stuck in a command; the end of its log shows its last step. ${this.where()}`,
            { timedOut: true },
          );
        }
        break;
      case 'output_cap':
        return fail(
          'OUTPUT_CAP',
          `Task ${id}: printed more than the log cap of ${formatBytes(this.maxLogBytes)}, so it was stopped. Look at the end of its log for what floods the output, or raise the cap (maxLogBytes). ${this.where()}`,
        );
      default:
        break;
    }

    const limit = detectUsageLimit(s);
    const failedRun = s.result?.isError === true || (this.exitCode !== 0 && !judgedByResult);
    if (limit && failedRun) {
      const when = limit.resetAt
        ? `It resets at ${limit.resetAt} (in ${formatDuration(Math.max(0, Date.parse(limit.resetAt) - Date.now()))}); run it again after that.`
        : 'The agent did not say when it resets; run it again later.';
      return fail(
        'USAGE_LIMIT',
        `Task ${id}: the agent hit a usage limit${limit.message ? ` ("${oneLine(limit.message)}")` : ''}. ${when} ${this.where()}`,
        { resetAt: limit.resetAt },
      );
    }
    if (s.result?.isError) {
      const details = [
        s.result.subtype ? `subtype ${s.result.subtype}` : null,
        s.result.numTurns !== null ? `after ${s.result.numTurns} turns` : null,
        this.exitCode !== null ? `exit code ${this.exitCode}` : null,
      ].filter((d) => d !== null);
      const text = s.result.text ? `: "${oneLine(s.result.text, 500)}"` : ' without saying why';
      return fail(
        'AGENT_ERROR',
        `Task ${id}: the agent reported an error${details.length ? ` (${details.join(', ')})` : ''}${text}. ${this.where()}`,
      );
    }
    if (judgedByResult && s.result !== null) {
      return {
        ok: true,
        exitCode: 0,
        stoppedAfterResult: true,
        numTurns: s.numTurns,
        ...this.base(s),
      };
    }
    if (this.exitSignal !== null) {
      return fail(
        'SIGNAL',
        `Task ${id}: ${cmd} was killed by ${this.exitSignal}, which Nova did not send (a crash, the out-of-memory killer, or another program).${stderrPart}\n${this.where()}`,
      );
    }
    if (this.exitCode !== 0) {
      // The first line is what summaries show: end it with stderr's last line, usually the cause.
      const cause = lastNonEmptyLine(stderr);
      return fail(
        'EXIT_CODE',
        `Task ${id}: ${cmd} exited with code ${this.exitCode}${cause ? `: ${oneLine(cause, 200)}` : '.'}${stderrPart}\n${this.where()}`,
      );
    }
    return { ok: true, exitCode: 0, numTurns: s.numTurns, ...this.base(s) };
  }

  private spawnFailure(error: NodeJS.ErrnoException, pathEnv: string | undefined): WorkerError {
    const id = this.taskId;
    const cmd = this.command;
    if (error.code === 'ENOENT') {
      if (cmd.includes('/') || isAbsolute(cmd)) {
        const exists = safeExists(cmd);
        return new WorkerError(
          'COMMAND_NOT_FOUND',
          exists
            ? `Task ${id}: cannot run "${cmd}": the file exists but its interpreter (the #! line) was not found.`
            : `Task ${id}: command "${cmd}" not found: no such file. Fix the worker command's path.`,
          { cause: error },
        );
      }
      const found = findOnPath(cmd, pathEnv);
      return new WorkerError(
        'COMMAND_NOT_FOUND',
        found
          ? `Task ${id}: cannot run "${cmd}" (${found}): its interpreter (the #! line) was not found.`
          : `Task ${id}: command "${cmd}" not found: it is not on PATH. Install it, or set the worker command to its full path.`,
        { cause: error },
      );
    }
    if (error.code === 'EACCES') {
      return new WorkerError(
        'SPAWN_FAILED',
        `Task ${id}: cannot run "${cmd}": permission denied (is it an executable file? try chmod +x).`,
        { cause: error },
      );
    }
    if (error.code === 'ERR_INVALID_ARG_VALUE' || error.code === 'ERR_INVALID_ARG_TYPE') {
      return new WorkerError(
        'SPAWN_FAILED',
        `Task ${id}: cannot start "${cmd}": ${error.message} (a NUL character cannot be passed in a command argument or environment variable).`,
        { cause: error },
      );
    }
    return new WorkerError(
      'SPAWN_FAILED',
      `Task ${id}: could not start "${cmd}": ${error.message}.`,
      { cause: error },
    );
  }
}

function safeExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(cmd: string, pathEnv: string | undefined): string | null {
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, cmd);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}
