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
import { findTaskProcesses, ownProcessGroup, type ProcInfo } from './proc-scan.js';
import { forwardWorkerEvents, toOutcome, unexpected } from './worker-outcome.js';
import { WorkspaceExecution, type WorktreeSetup } from './workspace-execution.js';

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
  /**
   * Worktree mode: each attempt whose spec carries `workspace` runs in its own git worktree
   * (see WorkspaceExecution), and mergeResult() makes the result branch.
   */
  worktrees?: WorktreeSetup;
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
    forwardWorkerEvents(worker, this.#events);
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

export class LocalExecutor implements Executor {
  readonly options: LocalExecutorOptions;

  constructor(options: LocalExecutorOptions) {
    this.options = options;
  }

  start(spec: TaskRunSpec): Execution {
    const { host, worktrees, ...defaults } = this.options;
    const start = host ? (w: StartWorkerOptions) => host.start(w) : startWorker;
    const deps = new Map(spec.workspace?.dependencies.map((d) => [d.id, d]) ?? []);
    // Options left undefined mean "the worker's default" to startWorker, as if left out.
    const options: StartWorkerOptions = {
      ...defaults,
      task: spec.task,
      project: spec.project,
      dependencies: spec.dependencies.map((d) => ({
        ...d,
        branch: deps.get(d.id)?.branch ?? null,
        head: deps.get(d.id)?.head ?? null,
      })),
      model: spec.task.model ?? spec.model ?? defaults.model,
      stateFile: spec.stateFile,
      timeoutMs: spec.timeoutMs,
    };
    if (worktrees && spec.workspace) {
      return new WorkspaceExecution(
        { ...spec, workspace: spec.workspace },
        options,
        start,
        worktrees,
      );
    }
    return new LocalExecution(start(options));
  }

  async mergeResult(input: {
    sinks: { id: string; head: string }[];
    base: string;
  }): Promise<{ branch: string; head: string }> {
    const worktrees = this.options.worktrees;
    if (!worktrees) throw new Error('this executor does not work in worktrees');
    return worktrees.workspaces.mergeResult(input);
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
