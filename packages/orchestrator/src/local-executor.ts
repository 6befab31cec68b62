/**
 * The default executor: each attempt is one local process group, run by @program-nova/worker.
 */
import { EventEmitter } from 'node:events';
import {
  isProcessAlive,
  killProcessGroup,
  type StartWorkerOptions,
  startWorker,
  type WorkerHost,
  type WorkerProcess,
  type WorkerResult,
} from '@program-nova/worker';
import type {
  Execution,
  ExecutionEvents,
  ExecutionOutcome,
  Executor,
  ReapResult,
  RecordedAttempt,
  TaskRunSpec,
} from './executor.js';
import { spawnErrorOutcome } from './executor.js';
import { findTaskProcesses, ownProcessGroup, type ProcInfo } from './proc-scan.js';

export interface LocalExecutorOptions {
  /** Folder for `<id>.log` files. */
  logsDir: string;
  /** argv template (see @program-nova/worker); default: the worker's DEFAULT_COMMAND (Claude Code). */
  command?: readonly string[];
  /** stdin template; default '{prompt}'; null closes stdin at once. */
  stdin?: string | null;
  /** Working directory of the workers (default: this process's). */
  cwd?: string;
  /** Base environment (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Default model when neither the spec nor the task names one. */
  model?: string;
  inactivityTimeoutMs?: number;
  maxLogBytes?: number;
  /** Between SIGTERM and SIGKILL when stopping a worker (and when reaping). */
  killGraceMs?: number;
  resultGraceMs?: number;
  /**
   * Start workers from this host process instead of this one (see createWorkerHost): spawning
   * forks the spawning process, which costs more the more memory it holds. Owned by the caller.
   */
  host?: WorkerHost;
}

const DEFAULT_REAP_GRACE_MS = 3000;

class LocalExecution implements Execution {
  readonly taskId: string;
  readonly done: Promise<ExecutionOutcome>;
  readonly #worker: WorkerProcess;
  readonly #events = new EventEmitter();

  constructor(worker: WorkerProcess) {
    this.#worker = worker;
    this.taskId = worker.taskId;
    worker.on('spawn', () => this.#events.emit('started'));
    worker.on('tokens', (u) =>
      this.#events.emit('tokens', { usage: u.usage, costUsd: u.costUsd, model: u.model }),
    );
    worker.on('init', (info: { model?: string | null }) =>
      this.#events.emit('init', { model: info.model ?? null }),
    );
    worker.on('activity', (line: string) => this.#events.emit('activity', line));
    this.done = worker.done.then(toOutcome, (err: unknown) => unexpected(err));
  }

  get pid(): number | null {
    return this.#worker.pid;
  }
  get pgid(): number | null {
    return this.#worker.pgid;
  }
  get logPath(): string | null {
    return this.#worker.logPath;
  }

  on<E extends keyof ExecutionEvents>(
    event: E,
    listener: (...args: ExecutionEvents[E]) => void,
  ): this {
    this.#events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<E extends keyof ExecutionEvents>(
    event: E,
    listener: (...args: ExecutionEvents[E]) => void,
  ): this {
    this.#events.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  async stop(options: { force?: boolean } = {}): Promise<void> {
    // The worker's terminate(): first call = SIGTERM, grace, SIGKILL; a second call kills at once.
    const first = this.#worker.terminate();
    if (options.force) await this.#worker.terminate();
    await first;
  }
}

function toOutcome(result: WorkerResult): ExecutionOutcome {
  if (result.ok) {
    return {
      ok: true,
      usage: result.usage,
      costUsd: result.costUsd,
      model: result.model,
      durationMs: result.durationMs,
      logIncomplete: result.logIncomplete,
      resultText: result.resultText,
    };
  }
  const e = result.error;
  return {
    ...(e.environment ? { environment: { path: e.path, errno: e.errno } } : {}),
    logIncomplete: result.logIncomplete,
    ok: false,
    kind: e.kind,
    message: e.message,
    exitCode: e.exitCode,
    signal: e.signal,
    timedOut: e.timedOut,
    retryable: e.retryable,
    resetAt: e.resetAt,
    usage: result.usage,
    costUsd: result.costUsd,
    model: result.model,
    durationMs: result.durationMs,
    cause: e,
  };
}

/** The worker promises `done` never rejects; if it ever does, that is a spawn-level failure. */
function unexpected(err: unknown): ExecutionOutcome {
  return spawnErrorOutcome(
    `worker failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`,
    true,
    err,
  );
}

export class LocalExecutor implements Executor {
  readonly options: LocalExecutorOptions;

  constructor(options: LocalExecutorOptions) {
    this.options = options;
  }

  start(spec: TaskRunSpec): Execution {
    const { host, ...defaults } = this.options;
    const start = host ? (w: StartWorkerOptions) => host.start(w) : startWorker;
    // Options left undefined mean "the worker's default" to startWorker, as if left out.
    const worker = start({
      ...defaults,
      task: spec.task,
      project: spec.project,
      dependencies: spec.dependencies,
      model: spec.task.model ?? spec.model ?? defaults.model,
      stateFile: spec.stateFile,
      timeoutMs: spec.timeoutMs,
    });
    return new LocalExecution(worker);
  }

  async reap(attempt: RecordedAttempt): Promise<ReapResult> {
    const found = findTaskProcesses(attempt.id, attempt.stateFile);
    if (found === null) {
      // No /proc: a recorded pid alone is no proof (pids are reused), so leave it alone rather
      // than risk signalling a stranger.
      const pgid = attempt.state.pgid ?? attempt.state.pid;
      return {
        found: false,
        detail:
          pgid != null && isProcessAlive(pgid)
            ? `process ${pgid} is alive but cannot be verified as this task's worker (no /proc); left alone`
            : 'nothing left',
      };
    }
    if (found.length === 0) return { found: false, detail: 'nothing left' };
    return this.#stop(found, () => findTaskProcesses(attempt.id, attempt.stateFile) ?? []);
  }

  /**
   * Stops every process still marked with this state file, whatever task it ran: the caller holds
   * the state's lease, so any such process belongs to a run that is gone (e.g. one killed between
   * spawning a worker and journaling its start). Call it before starting anything.
   */
  async reapStrays(stateFile: string): Promise<ReapResult & { taskIds: string[] }> {
    const found = findTaskProcesses(null, stateFile);
    if (found === null || found.length === 0) {
      return { found: false, detail: 'nothing left', taskIds: [] };
    }
    const taskIds = [...new Set(found.map((p) => p.taskId!))];
    const res = await this.#stop(found, () => findTaskProcesses(null, stateFile) ?? []);
    return { ...res, taskIds };
  }

  async #stop(found: ProcInfo[], rescan: () => ProcInfo[]): Promise<ReapResult> {
    // Never signal our own group (a marked process could share it only if we were started oddly).
    const own = ownProcessGroup();
    const groups = [...new Set(found.map((p) => p.pgid))].filter((g) => g !== own && g > 1);
    for (const g of groups) signalGroup(g, 'SIGTERM');
    for (const p of found) if (!groups.includes(p.pgid)) signalPid(p.pid, 'SIGTERM');
    const grace = this.options.killGraceMs ?? DEFAULT_REAP_GRACE_MS;
    const deadline = Date.now() + grace;
    const pids = new Set(found.map((p) => p.pid));
    let left = rescan().filter((p) => pids.has(p.pid));
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      left = rescan().filter((p) => pids.has(p.pid));
    }
    for (const g of groups) signalGroup(g, 'SIGKILL');
    // Anything still marked (a descendant that left its group, a straggler): kill it on its own.
    for (const p of rescan()) signalPid(p.pid, 'SIGKILL');
    return {
      found: true,
      detail: `stopped ${found.length} surviving process(es) in group(s) ${groups.join(', ') || '-'}`,
    };
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    killProcessGroup(pgid, signal);
  } catch {
    // The group is gone already.
  }
}
