/**
 * The scheduler. Event-driven: a task starts the moment a slot is free and its dependencies'
 * completion is in the journal; `checkInterval` only paces periodic work (progress records,
 * snapshots). Tasks run through an Executor; the scheduler never touches processes or files.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  type Cascade,
  CascadeError,
  criticalPath,
  dependentsMap,
  formatDiagnostic,
  parseCascade,
  type Task,
  transitiveDependents,
} from '@program-nova/parser';
import {
  blockedBy,
  type CascadeState,
  createState,
  evaluateMilestones,
  type MilestoneDefinition,
  type PricingTable,
  parseMilestones,
  planTransition,
  StateError,
  type StatusSummary,
  summarize,
  type TokenUsage,
  type Transition,
  taskCost,
} from '@program-nova/state';
import { openStore, type StateStore } from '@program-nova/state/store';
import type { WorkerHost } from '@program-nova/worker';
import { backoffDelay } from './backoff.js';
import { splitCommand } from './command.js';
import { OrchestratorError } from './errors.js';
import type { OrchestratorEvents, RunOutcome, RunResult, TaskStartedEvent } from './events.js';
import type {
  Execution,
  ExecutionEvents,
  ExecutionFailure,
  ExecutionOutcome,
  ExecutionTokens,
  Executor,
  TaskRunSpec,
} from './executor.js';
import { spawnErrorOutcome } from './executor.js';
import { LocalExecutor } from './local-executor.js';
import { priorityOrder, ReadyQueue } from './ready-queue.js';

export interface OrchestratorOptions {
  /** Path of CASCADE.md. Read and parsed (synchronously) by the constructor unless `cascade` is given. */
  cascadeFile?: string;
  /** An already parsed plan (then `cascadeFile` is only recorded in the state). */
  cascade?: Cascade;
  /** Default `cascade_state.json` in the current directory. */
  stateFile?: string;
  /** Default 3. */
  maxWorkers?: number;
  /** argv template of the worker (array, or a string split without a shell); default: Claude Code. */
  workerCommand?: string | readonly string[];
  /** stdin template of the worker; default '{prompt}'; null closes stdin at once. */
  workerStdin?: string | null;
  /** Default `logs/` beside the state file. */
  logsDir?: string;
  /** Extra attempts after a failed one (a task's `Retries` column wins). Default 0. */
  retries?: number;
  /** Wall-clock limit per attempt in ms (a task's `Timeout` column wins). Default none. */
  timeout?: number;
  /** Start nothing new once a task has failed for good; running tasks finish. Default false. */
  failFast?: boolean;
  /** Budget in USD: start nothing new once this much is spent. Default none. */
  maxCost?: number;
  /** Path of milestones.yaml (an explicit path that does not exist is an error). */
  milestonesFile?: string;
  /** Runs the tasks; default a LocalExecutor built from the worker options here. */
  executor?: Executor;
  /**
   * For the default LocalExecutor: start workers from this host process (see @program-nova/worker's
   * createWorkerHost) instead of from this process. The caller owns it and closes it.
   */
  workerHost?: WorkerHost;
  /** Model for tasks without a `Model` column (default: the executor's). */
  model?: string;
  /** Working directory of local workers. */
  cwd?: string;
  /** Base environment of local workers. */
  env?: NodeJS.ProcessEnv;
  /** Local workers: fail an attempt that prints nothing for this long (ms). */
  inactivityTimeout?: number;
  /** Local workers: log byte cap per attempt. */
  maxLogBytes?: number;
  /** Local workers: grace between SIGTERM and SIGKILL (ms). */
  killGraceMs?: number;
  /** First retry delay (ms); doubles per failure, with jitter. Default 2000. */
  retryDelayMs?: number;
  /** Cap of the retry delay (ms). Default 300000. */
  maxRetryDelayMs?: number;
  /** Pause after a usage limit whose reset time is unknown (ms). Default 300000. */
  usageLimitPauseMs?: number;
  /** Prices used to turn tokens into dollars when the agent reports no cost. */
  pricing?: PricingTable;
  /**
   * Start order among ready tasks: 'critical-path' (default: longest remaining chain first, file
   * order on ties) or 'file' (plain file order; for comparisons).
   */
  order?: 'critical-path' | 'file';
}

export interface RunOptions {
  /** Period of progress records and snapshots (ms). Default 1000. Never delays a start. */
  checkInterval?: number;
  /** Stop (like `stop()`) after this many periodic ticks. Default: no limit. */
  maxIterations?: number;
}

export interface StopOptions {
  /** Kill worker groups at once instead of SIGTERM + grace. */
  force?: boolean;
  /** Recorded on interrupted tasks. Default 'stopped by the orchestrator'. */
  reason?: string;
}

interface Running {
  id: string;
  attempt: number;
  workerId: string;
  execution: Execution;
  startedAt: number;
  /** Resolves once task_started is in the journal (later records for the task wait for it). */
  startRecorded: Promise<unknown>;
  tokens: ExecutionTokens | null;
  step: string | null;
  model: string | null;
  dirty: boolean;
  stopRequested: boolean;
  /** Its outcome is being recorded: no more progress records for it. */
  settling: boolean;
}

type Deferred<T> = { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const now = () => new Date().toISOString();
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class Orchestrator extends EventEmitter<OrchestratorEvents> {
  readonly cascade: Cascade;
  readonly cascadeFile: string | null;
  readonly stateFile: string;
  readonly logsDir: string;
  readonly maxWorkers: number;
  readonly executor: Executor;

  readonly #o: OrchestratorOptions;
  readonly #order: string[];
  readonly #dependents: Map<string, string[]>;
  readonly #tasks: Map<string, Task>;

  #store: StateStore | null = null;
  #lastState: CascadeState | null = null;
  #initializing: Promise<void> | null = null;
  #milestones: MilestoneDefinition[] = [];
  #milestoneChain: Promise<void> = Promise.resolve();

  readonly #running = new Map<string, Running>();
  /** Completions being written to the journal: not yet "completed" for their dependents. */
  readonly #completing = new Set<string>();
  readonly #freeSlots: number[];
  #unmet = new Map<string, number>();
  #queue: ReadyQueue;
  readonly #retryTimers = new Map<string, NodeJS.Timeout>();
  #pausedUntil = 0;
  #pauseTimer: NodeJS.Timeout | null = null;
  #tick: NodeJS.Timeout | null = null;
  #iterations = 0;
  #spentSettled = 0;

  #runActive = false;
  /** The run is initialised (state open, run_started recorded): finishing is possible. */
  #started = false;
  #run: Deferred<RunResult> | null = null;
  #finishing = false;
  #stopping = false;
  #stopReason = 'stopped by the orchestrator';
  #stopOutcome: RunOutcome = 'interrupted';
  #failFastTripped = false;
  #budgetSpent = false;
  #fatal: OrchestratorError | null = null;
  #signal: NodeJS.Signals | undefined;
  #recordedSinceFlush = false;

  constructor(options: OrchestratorOptions) {
    super();
    this.#o = { ...options };
    const o = this.#o;
    const maxWorkers = o.maxWorkers ?? 3;
    checkInt('maxWorkers', maxWorkers, 1);
    if (o.retries !== undefined) checkInt('retries', o.retries, 0);
    if (o.timeout !== undefined) checkPositive('timeout', o.timeout);
    if (o.maxCost !== undefined) checkNonNegative('maxCost', o.maxCost);
    for (const k of ['retryDelayMs', 'maxRetryDelayMs', 'usageLimitPauseMs'] as const) {
      if (o[k] !== undefined) checkNonNegative(k, o[k]);
    }
    if (o.cascade === undefined && o.cascadeFile === undefined) {
      throw new OrchestratorError('INVALID_OPTIONS', 'give cascadeFile (or a parsed cascade)');
    }
    this.maxWorkers = maxWorkers;
    this.cascadeFile = o.cascadeFile ?? o.cascade?.filename ?? null;
    this.cascade = o.cascade ?? loadCascade(o.cascadeFile!);
    this.stateFile = resolve(o.stateFile ?? 'cascade_state.json');
    this.logsDir = resolve(o.logsDir ?? join(dirname(this.stateFile), 'logs'));

    let command: readonly string[] | undefined;
    if (typeof o.workerCommand === 'string') {
      try {
        command = splitCommand(o.workerCommand);
      } catch (e) {
        throw new OrchestratorError('INVALID_OPTIONS', message(e));
      }
    } else command = o.workerCommand;
    if (command !== undefined && command.length === 0) {
      throw new OrchestratorError('INVALID_OPTIONS', 'workerCommand is empty');
    }
    this.executor =
      o.executor ??
      new LocalExecutor({
        logsDir: this.logsDir,
        command,
        stdin: o.workerStdin,
        cwd: o.cwd,
        env: o.env,
        model: o.model,
        inactivityTimeoutMs: o.inactivityTimeout,
        maxLogBytes: o.maxLogBytes,
        killGraceMs: o.killGraceMs,
        host: o.workerHost,
      });

    const tasks = this.cascade.tasks;
    this.#tasks = new Map(tasks.map((t) => [t.id, t]));
    this.#dependents = dependentsMap(tasks);
    const fileOrder = tasks.map((t) => t.id);
    if (o.order !== undefined && o.order !== 'critical-path' && o.order !== 'file') {
      throw new OrchestratorError(
        'INVALID_OPTIONS',
        `order must be 'critical-path' or 'file' (got ${String(o.order)})`,
      );
    }
    this.#order =
      o.order === 'file' ? fileOrder : priorityOrder(fileOrder, criticalPath(tasks).remaining);
    this.#queue = new ReadyQueue(this.#order);
    this.#freeSlots = Array.from({ length: maxWorkers }, (_, i) => i + 1);
  }

  /* ------------------------------------------------------------------ lifecycle */

  /**
   * Open (or create) the state, reconcile a changed plan, load milestones, reap what a crashed
   * run left running. `run()` calls it; call it yourself to inspect before running. Idempotent.
   */
  init(): Promise<void> {
    if (this.#store) return Promise.resolve();
    if (!this.#initializing) {
      this.#initializing = this.#init().finally(() => {
        this.#initializing = null;
      });
    }
    return this.#initializing;
  }

  async #init(): Promise<void> {
    const milestonesText = await this.#readMilestones();
    let store: StateStore;
    try {
      store = await openStore(this.stateFile, {
        initialState: () =>
          createState(this.cascade, { cascadeFile: this.cascadeFile ?? undefined }),
        onWarning: (w) => this.#warn(w.code, w.message),
      });
    } catch (e) {
      throw wrapStateError(e);
    }
    this.#store = store;
    this.#fatal = null;
    try {
      const change = planTransition(store.state, this.cascade, new Date());
      if (change) {
        await this.#record(change);
        if (change.type === 'plan_reconciled' && (change.added.length || change.removed.length)) {
          const parts = [];
          if (change.added.length) parts.push(`added ${change.added.join(', ')}`);
          if (change.removed.length) parts.push(`removed ${change.removed.join(', ')}`);
          this.#warn(
            'PLAN_CHANGED',
            `the plan changed since the state was written: ${parts.join('; ')}`,
          );
        }
      }
      if (milestonesText !== null) {
        try {
          this.#milestones = parseMilestones(milestonesText, {
            file: this.#o.milestonesFile,
            state: store.state,
          });
        } catch (e) {
          throw new OrchestratorError('MILESTONES_INVALID', message(e), {
            cause: e,
            ...(this.#o.milestonesFile ? { file: this.#o.milestonesFile } : {}),
          });
        }
      }
      await this.#reapSurvivors(store);
      this.#spentSettled = Object.values(store.state.tasks).reduce(
        (sum, t) => sum + (t.status === 'in_progress' ? 0 : (taskCost(t, this.#o.pricing) ?? 0)),
        0,
      );
      this.#rebuild();
    } catch (e) {
      this.#store = null;
      this.#lastState = store.state;
      await store.close().catch(() => {});
      throw e instanceof OrchestratorError ? e : wrapStateError(e);
    }
  }

  async #readMilestones(): Promise<string | null> {
    const file = this.#o.milestonesFile;
    if (file === undefined) return null;
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      throw new OrchestratorError(
        'MILESTONES_NOT_FOUND',
        `${file}: cannot read the milestones file (${(e as NodeJS.ErrnoException).code ?? message(e)})`,
        { cause: e, file },
      );
    }
  }

  /** Tasks left in_progress by a run that is gone: stop what survives, put them back to pending. */
  async #reapSurvivors(store: StateStore): Promise<void> {
    const previousPid = store.state.project.orchestrator_pid;
    const stale = Object.entries(store.state.tasks).filter(([, t]) => t.status === 'in_progress');
    const results = await Promise.all(
      stale.map(([id, t]) =>
        this.executor
          .reap({ id, state: { ...t }, stateFile: this.stateFile })
          .catch((e: unknown) => ({ found: false, detail: `reap failed: ${message(e)}` })),
      ),
    );
    if (this.executor.reapStrays && this.#running.size === 0) {
      const strays = await this.executor.reapStrays(this.stateFile).catch((e: unknown) => ({
        found: false,
        detail: `reap failed: ${message(e)}`,
        taskIds: [],
      }));
      if (strays.found) {
        this.#warn(
          'STRAYS_REAPED',
          `processes of an earlier run were still running (${strays.taskIds.join(', ')}): ${strays.detail}`,
        );
      }
    }
    for (let i = 0; i < stale.length; i++) {
      const [id] = stale[i]!;
      const r = results[i]!;
      const who = previousPid ? `the previous run (pid ${previousPid})` : 'the previous run';
      const reason = `${who} ended while this task was running; ${r.detail}`;
      await this.#record({ type: 'task_interrupted', at: now(), id, reason });
      this.#warn('TASK_REAPED', `${id}: ${reason}`);
    }
  }

  /** Recompute unmet-dependency counts and the ready queue from the state. */
  #rebuild(): void {
    const state = this.#state();
    this.#unmet = new Map();
    this.#queue.clear();
    for (const id of this.#order) {
      const task = this.#tasks.get(id)!;
      let unmet = 0;
      for (const dep of task.dependsOn) {
        if (!this.#depDone(state, dep)) unmet++;
      }
      this.#unmet.set(id, unmet);
      if (this.#isReady(id, state)) this.#queue.push(id);
    }
  }

  /**
   * Run the plan to the end: until every task is completed, or nothing more can start (failures,
   * fail-fast, budget), or `stop()`. Resolves with the outcome; rejects with an OrchestratorError
   * when the plan or state is unusable, or the state cannot be written.
   */
  async run(options: RunOptions = {}): Promise<RunResult> {
    if (this.#runActive)
      throw new OrchestratorError('ALREADY_RUNNING', 'this orchestrator is already running');
    const checkInterval = options.checkInterval ?? 1000;
    checkPositive('checkInterval', checkInterval);
    if (options.maxIterations !== undefined) checkInt('maxIterations', options.maxIterations, 0);
    // Active from here, so that a stop() (a signal) arriving while the state opens is honoured.
    this.#runActive = true;
    this.#started = false;
    this.#run = deferred<RunResult>();
    const result = this.#run.promise;
    result.catch(() => {}); // the caller gets the rejection through the returned promise
    this.#finishing = false;
    this.#stopping = false;
    this.#stopOutcome = 'interrupted';
    this.#failFastTripped = false;
    this.#budgetSpent = false;
    this.#iterations = 0;
    this.#signal = undefined;
    try {
      await this.init();
    } catch (e) {
      this.#runActive = false;
      this.#run.reject(e);
      throw e;
    }
    const store = this.#store!;
    const resumed = Object.values(store.state.tasks).some((t) => t.started_at !== null);
    try {
      await this.#record({
        type: 'run_started',
        at: now(),
        pid: process.pid,
        cascade_file: this.cascadeFile,
      });
    } catch (e) {
      this.#onFatal(e);
      return result;
    }
    this.#started = true;
    this.#safeEmit('run:started', { pid: process.pid, resumed });
    this.#tick = setInterval(() => {
      this.#iterations++;
      void this.#periodic();
      if (
        options.maxIterations !== undefined &&
        this.#iterations >= options.maxIterations &&
        !this.#stopping
      ) {
        if (this.#running.size === 0 && !this.#hasWorkLeft()) return;
        this.#stopOutcome = 'max_iterations';
        void this.stop({ reason: `stopped after ${options.maxIterations} iterations` });
      }
    }, checkInterval);
    this.#armRetryTimers();
    this.#queueMilestones();
    this.#checkBudget();
    this.#fill();
    return result;
  }

  /**
   * Stop the run: nothing new starts, every running task is stopped (graceful unless `force`; a
   * second call forces), interrupted tasks go back to pending with the reason, the state is
   * written. Resolves when all of that is done.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    const force = options.force === true || this.#stopping;
    if (!this.#stopping) this.#stopReason = options.reason ?? this.#stopReason;
    this.#stopping = true;
    this.#clearTimers();
    await Promise.all(
      [...this.#running.values()].map((r) => {
        r.stopRequested = true;
        return r.execution.stop({ force }).catch((e: unknown) => {
          this.#warn('STOP_FAILED', `${r.id}: ${message(e)}`);
        });
      }),
    );
    if (this.#runActive) {
      this.#checkFinished();
      await this.#run!.promise.catch(() => {});
    } else {
      // No run: tasks started by hand settle on their own; wait for their records.
      await this.#whenIdle();
    }
  }

  /**
   * Wire SIGINT/SIGTERM to `stop()` (a second signal stops with force). Returns a disposer that
   * removes the handlers. The caller decides the exit code (130 when the result is 'interrupted').
   */
  handleSignals(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): () => void {
    let count = 0;
    const handler = (signal: NodeJS.Signals) => {
      count++;
      this.#signal ??= signal;
      void this.stop({ force: count > 1, reason: `interrupted by ${signal}` });
    };
    for (const s of signals) process.on(s, handler);
    return () => {
      for (const s of signals) process.off(s, handler);
    };
  }

  /** Clear failed tasks back to pending (attempts reset), which unblocks their dependents. */
  async reset(ids: readonly string[] | 'failed'): Promise<string[]> {
    await this.init();
    const state = this.#state();
    const list =
      ids === 'failed'
        ? Object.keys(state.tasks).filter((id) => state.tasks[id]!.status === 'failed')
        : [...ids];
    for (const id of list) {
      if (!state.tasks[id])
        throw new OrchestratorError('UNKNOWN_TASK', `no task ${id} in the plan`);
    }
    const cleared: string[] = [];
    for (const id of list) {
      if (state.tasks[id]!.status !== 'failed') continue;
      await this.#record({ type: 'task_reset', at: now(), id });
      cleared.push(id);
    }
    if (cleared.length) {
      this.#rebuild();
      if (this.#runActive) this.#fill();
    }
    return cleared;
  }

  /** Close the state without running (final snapshot, lease released). */
  async close(): Promise<void> {
    if (this.#runActive) await this.stop();
    await this.#whenIdle();
    const store = this.#store;
    if (!store) return;
    this.#store = null;
    this.#lastState = store.state;
    await store.close();
  }

  /* ------------------------------------------------------------------ queries */

  /** Ready tasks in start order (critical path first, file order on ties). */
  getReadyTasks(): string[] {
    const state = this.#state();
    return this.#order.filter((id) => this.#isReady(id, state));
  }

  getStatusSummary(): StatusSummary {
    const state = this.#state();
    return { ...summarize(state), activeWorkers: this.#running.size };
  }

  /** The current state document (read-only). */
  get state(): Readonly<CascadeState> {
    return this.#state();
  }

  /** IDs of the tasks running now. */
  get runningTasks(): string[] {
    return [...this.#running.keys()];
  }

  /* ------------------------------------------------------------------ control */

  /**
   * Start one task now. It must be pending, its dependencies completed in the journal, any
   * scheduled retry due, and a slot free. Resolves once its start is recorded.
   */
  async startWorker(id: string): Promise<TaskStartedEvent> {
    const state = this.#state();
    if (!this.#tasks.has(id) || !state.tasks[id]) {
      throw new OrchestratorError('UNKNOWN_TASK', `no task ${id} in the plan`);
    }
    if (this.#stopping || this.#failFastTripped || this.#budgetSpent || this.#fatal) {
      throw new OrchestratorError('NOT_ACCEPTING', `not starting ${id}: the run is stopping`);
    }
    if (!this.#isReady(id, state)) {
      throw new OrchestratorError(
        'TASK_NOT_READY',
        `${id} is not ready (${this.#whyNotReady(id, state)})`,
      );
    }
    if (this.#freeSlots.length === 0) {
      throw new OrchestratorError('NO_FREE_SLOT', `all ${this.maxWorkers} workers are busy`);
    }
    const r = this.#launch(id);
    await r.startRecorded;
    return this.#startedEvent(r);
  }

  /**
   * One pass of the periodic work (what each `checkInterval` tick does): record progress of
   * running tasks, start what is ready. Returns the summary afterwards.
   */
  async monitorWorkers(): Promise<StatusSummary> {
    await this.#periodic();
    this.#fill();
    return this.getStatusSummary();
  }

  /* ------------------------------------------------------------------ scheduling */

  #state(): CascadeState {
    const s = this.#store?.state ?? this.#lastState;
    if (!s) {
      throw new OrchestratorError(
        'NOT_INITIALIZED',
        'call init() or run() before reading the state',
      );
    }
    return s;
  }

  #depDone(state: CascadeState, dep: string): boolean {
    // Unknown (removed) dependencies cannot hold a task back; the parser rejects them in a plan.
    const t = state.tasks[dep];
    if (t === undefined) return !this.#tasks.has(dep);
    return t.status === 'completed' && !this.#completing.has(dep);
  }

  #isReady(id: string, state: CascadeState): boolean {
    const t = state.tasks[id];
    if (t?.status !== 'pending' || this.#running.has(id)) return false;
    if ((this.#unmet.get(id) ?? 0) > 0) return false;
    return t.retry_at === null || Date.parse(t.retry_at) <= Date.now();
  }

  #whyNotReady(id: string, state: CascadeState): string {
    const t = state.tasks[id]!;
    if (this.#running.has(id)) return 'already running';
    if (t.status !== 'pending') return `status ${t.status}`;
    const waiting = this.#tasks.get(id)!.dependsOn.filter((d) => !this.#depDone(state, d));
    if (waiting.length) return `waiting for ${waiting.join(', ')}`;
    return `retry scheduled at ${t.retry_at}`;
  }

  #accepting(): boolean {
    return (
      this.#runActive &&
      !this.#stopping &&
      !this.#failFastTripped &&
      !this.#budgetSpent &&
      !this.#fatal &&
      Date.now() >= this.#pausedUntil
    );
  }

  /** Start ready tasks into free slots. Synchronous: starts never wait for a tick. */
  #fill(): void {
    if (this.#accepting()) {
      const state = this.#state();
      while (this.#freeSlots.length > 0) {
        let id = this.#queue.pop();
        while (id !== undefined && !this.#isReady(id, state)) id = this.#queue.pop();
        if (id === undefined) break;
        this.#launch(id);
      }
    }
    this.#checkFinished();
  }

  #launch(id: string): Running {
    const state = this.#state();
    const task = this.#tasks.get(id)!;
    const attempt = state.tasks[id]!.attempts + 1;
    const slot = this.#freeSlots.shift()!;
    const workerId = `worker-${slot}`;
    const timeoutMs = task.timeoutMs ?? this.#o.timeout;
    const spec: TaskRunSpec = {
      task,
      project: this.cascade.projectName,
      dependencies: task.dependsOn
        .map((d) => this.#tasks.get(d))
        .filter((d): d is Task => d !== undefined)
        .map((d) => ({ id: d.id, name: d.name, description: d.description })),
      attempt,
      workerId,
      ...(this.#o.model !== undefined ? { model: this.#o.model } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      stateFile: this.stateFile,
    };
    let execution: Execution;
    try {
      execution = this.executor.start(spec);
    } catch (e) {
      execution = failedExecution(id, e);
    }
    const r: Running = {
      id,
      attempt,
      workerId,
      execution,
      startedAt: Date.now(),
      startRecorded: Promise.resolve(),
      tokens: null,
      step: null,
      model: task.model ?? this.#o.model ?? null,
      dirty: false,
      stopRequested: false,
      settling: false,
    };
    this.#running.set(id, r);
    const recordStart = () =>
      this.#record({
        type: 'task_started',
        at: new Date(r.startedAt).toISOString(),
        id,
        worker_id: workerId,
        pid: execution.pid,
        pgid: execution.pgid,
        log_path: execution.logPath,
        model: r.model,
      }).then(
        () => this.#safeEmit('task:started', this.#startedEvent(r)),
        (e: unknown) => this.#onFatal(e),
      );
    if (execution.pid !== null) r.startRecorded = recordStart();
    else {
      // The executor learns the pid later (a worker host spawns in another process): record the
      // start once it is known, so the state never shows a running task without its process; or
      // when the attempt ends without ever starting. A crash in between leaves a process the state
      // does not know, which reapStrays finds by its environment.
      r.startRecorded = new Promise((resolveRecorded) => {
        let recorded = false;
        const once = () => {
          if (recorded) return;
          recorded = true;
          execution.off('started', once);
          resolveRecorded(recordStart());
        };
        execution.on('started', once);
        execution.done.then(once, once);
      });
    }
    execution.on('tokens', (t) => {
      r.tokens = t;
      if (t.model) r.model = t.model;
      r.dirty = true;
      this.#safeEmit('task:tokens', {
        id,
        usage: t.usage,
        costUsd: this.#cost(t.usage, t.costUsd, r.model),
        model: r.model,
      });
      this.#checkBudget();
    });
    execution.on('init', (info: ExecutionEvents['init'][0]) => {
      if (info.model) {
        r.model = info.model;
        r.dirty = true;
      }
    });
    execution.on('activity', (line: string) => {
      r.step = line.length > 200 ? `${line.slice(0, 199)}…` : line;
      r.dirty = true;
    });
    execution.done.then(
      (outcome) => this.#settle(r, outcome),
      (e: unknown) => this.#settle(r, failedOutcome(e)),
    );
    return r;
  }

  #startedEvent(r: Running): TaskStartedEvent {
    return {
      id: r.id,
      attempt: r.attempt,
      workerId: r.workerId,
      pid: r.execution.pid,
      logPath: r.execution.logPath,
    };
  }

  async #settle(r: Running, outcome: ExecutionOutcome): Promise<void> {
    const id = r.id;
    // Synchronously together: from here the attempt's cost counts as settled, not live.
    r.settling = true;
    const model = outcome.model ?? r.model;
    const cost = this.#cost(outcome.usage, outcome.costUsd, model);
    this.#spentSettled += cost ?? 0;
    try {
      await r.startRecorded;
      if (this.#fatal) return this.#release(r);
      if (outcome.ok) {
        this.#completing.add(id);
        await this.#record({
          type: 'task_completed',
          at: now(),
          id,
          exit_code: 0,
          token_usage: outcome.usage,
          cost_usd: cost,
          model,
          ...(outcome.commitSha !== undefined ? { commit_sha: outcome.commitSha } : {}),
          ...(outcome.filesChanged !== undefined ? { files_changed: outcome.filesChanged } : {}),
        });
        // Only now, with the completion in the journal, may dependents become ready.
        this.#completing.delete(id);
        for (const d of this.#dependents.get(id) ?? []) {
          const left = (this.#unmet.get(d) ?? 1) - 1;
          this.#unmet.set(d, left);
        }
        this.#release(r);
        const state = this.#state();
        for (const d of this.#dependents.get(id) ?? []) {
          if (this.#isReady(d, state)) this.#queue.push(d);
        }
        this.#safeEmit('task:completed', {
          id,
          attempt: r.attempt,
          durationMs: outcome.durationMs,
          usage: outcome.usage,
          costUsd: cost,
          model,
        });
        this.#queueMilestones();
      } else if (outcome.kind === 'interrupted' || r.stopRequested) {
        // Stopped by us, or (another executor) preempted by its infrastructure: not an attempt.
        const reason = r.stopRequested || this.#stopping ? this.#stopReason : outcome.message;
        await this.#record({ type: 'task_interrupted', at: now(), id, reason });
        this.#release(r);
        this.#safeEmit('task:interrupted', { id, reason });
        if (this.#isReady(id, this.#state())) this.#queue.push(id);
      } else if (outcome.kind === 'usage_limit') {
        const pauseMs = this.#o.usageLimitPauseMs ?? 300_000;
        const reset = outcome.resetAt ? Date.parse(outcome.resetAt) : Number.NaN;
        const until = Number.isFinite(reset) && reset > Date.now() ? reset : Date.now() + pauseMs;
        const retryAt = new Date(until).toISOString();
        await this.#recordFailure(id, outcome, cost, model, retryAt, false);
        this.#release(r);
        this.#pause(until, `usage limit reported by ${id}`);
        this.#retryLater(r, outcome, retryAt, Math.max(0, until - Date.now()), false);
      } else {
        const task = this.#tasks.get(id)!;
        const allowed = 1 + (task.retries ?? this.#o.retries ?? 0);
        // While stopping, a retry is still recorded (retry_at) so the next run picks it up.
        const retry = outcome.retryable && r.attempt < allowed && !this.#failFastTripped;
        const delay = retry
          ? backoffDelay(
              r.attempt,
              this.#o.retryDelayMs ?? 2000,
              this.#o.maxRetryDelayMs ?? 300_000,
            )
          : 0;
        const retryAt = retry ? new Date(Date.now() + delay).toISOString() : null;
        await this.#recordFailure(id, outcome, cost, model, retryAt, true);
        this.#release(r);
        if (retryAt !== null) {
          this.#retryLater(r, outcome, retryAt, delay, true);
        } else {
          const state = this.#state();
          const blocks = transitiveDependents(this.cascade.tasks, id).filter(
            (d) => state.tasks[d]?.status === 'pending',
          );
          this.#safeEmit('task:failed', {
            id,
            attempt: r.attempt,
            error: outcome.message,
            kind: outcome.kind,
            exitCode: outcome.exitCode,
            blocks,
          });
          for (const d of blocks)
            this.#safeEmit('task:blocked', { id: d, blockedBy: blockedBy(state, d) });
          if (this.#o.failFast && !this.#failFastTripped) {
            this.#failFastTripped = true;
            this.#stopOutcome = 'fail_fast';
            this.#clearRetryTimers();
          }
          this.#queueMilestones();
        }
      }
      this.#checkBudget();
      this.#fill();
    } catch (e) {
      this.#release(r);
      this.#onFatal(e);
    }
  }

  #release(r: Running): void {
    if (this.#running.get(r.id) !== r) return;
    this.#running.delete(r.id);
    const slot = Number(r.workerId.slice('worker-'.length));
    // Lowest free slot first, so worker ids stay small and stable in the dashboard.
    const i = this.#freeSlots.findIndex((s) => s > slot);
    if (i === -1) this.#freeSlots.push(slot);
    else this.#freeSlots.splice(i, 0, slot);
    if (this.#running.size === 0) for (const w of this.#idleWaiters.splice(0)) w();
  }

  readonly #idleWaiters: (() => void)[] = [];
  #whenIdle(): Promise<void> {
    if (this.#running.size === 0) return Promise.resolve();
    return new Promise((res) => this.#idleWaiters.push(res));
  }

  /** One failed attempt into the journal; `retryAt` set means pending again (a retry is due). */
  #recordFailure(
    id: string,
    outcome: ExecutionFailure,
    cost: number | null,
    model: string | null,
    retryAt: string | null,
    countsAsAttempt: boolean,
  ): Promise<void> {
    return this.#record({
      type: 'task_failed',
      at: now(),
      id,
      error: outcome.message,
      failure_kind: outcome.kind,
      exit_code: outcome.exitCode,
      token_usage: outcome.usage,
      cost_usd: cost,
      model,
      retry_at: retryAt,
      counts_as_attempt: countsAsAttempt,
    });
  }

  #cost(usage: TokenUsage, reported: number | null, model: string | null): number | null {
    return taskCost({ cost_usd: reported ?? null, token_usage: usage, model }, this.#o.pricing);
  }

  #spent(): number {
    let live = 0;
    for (const r of this.#running.values()) {
      // A settling attempt's cost is already in #spentSettled.
      if (r.tokens && !r.settling)
        live += this.#cost(r.tokens.usage, r.tokens.costUsd, r.model) ?? 0;
    }
    return this.#spentSettled + live;
  }

  #checkBudget(): void {
    const max = this.#o.maxCost;
    if (max === undefined || this.#budgetSpent || !this.#runActive) return;
    const spent = this.#spent();
    if (spent >= max) {
      this.#budgetSpent = true;
      if (this.#stopOutcome === 'interrupted') this.#stopOutcome = 'budget_exhausted';
      this.#clearRetryTimers();
      this.#warn(
        'BUDGET_EXHAUSTED',
        `spent $${spent.toFixed(2)} of the $${max.toFixed(2)} budget: starting nothing new`,
      );
    }
  }

  #pause(until: number, reason: string): void {
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    if (this.#pauseTimer) clearTimeout(this.#pauseTimer);
    this.#armPauseTimer();
    this.#safeEmit('run:paused', { until: new Date(until).toISOString(), reason });
  }

  #armPauseTimer(): void {
    if (this.#pauseTimer) clearTimeout(this.#pauseTimer);
    this.#pauseTimer = setTimeout(
      () => {
        this.#pauseTimer = null;
        if (Date.now() < this.#pausedUntil) return this.#armPauseTimer();
        this.#fill();
      },
      Math.max(0, this.#pausedUntil - Date.now()) + 1,
    );
  }

  /** Queues the task again at `retryAt` (already recorded) and says so. */
  #retryLater(
    r: Running,
    outcome: ExecutionFailure,
    retryAt: string,
    delayMs: number,
    countsAsAttempt: boolean,
  ): void {
    this.#scheduleRetry(r.id, Date.parse(retryAt));
    this.#safeEmit('task:retrying', {
      id: r.id,
      attempt: r.attempt,
      error: outcome.message,
      kind: outcome.kind,
      retryAt,
      delayMs,
      countsAsAttempt,
    });
  }

  #scheduleRetry(id: string, at: number): void {
    const old = this.#retryTimers.get(id);
    if (old) clearTimeout(old);
    if (!this.#runActive) return;
    this.#retryTimers.set(
      id,
      setTimeout(
        () => {
          // Timers run on a monotonic clock and may fire a little before Date.now() reaches `at`.
          if (Date.now() < at) return this.#scheduleRetry(id, at);
          this.#retryTimers.delete(id);
          if (this.#isReady(id, this.#state())) this.#queue.push(id);
          this.#fill();
        },
        Math.max(0, at - Date.now()) + 1,
      ),
    );
  }

  /** On run start: pending tasks whose retry (or usage-limit requeue) is still in the future. */
  #armRetryTimers(): void {
    const state = this.#state();
    let limitUntil = 0;
    for (const [id, t] of Object.entries(state.tasks)) {
      if (t.status !== 'pending' || t.retry_at === null || !this.#tasks.has(id)) continue;
      const at = Date.parse(t.retry_at);
      if (at <= Date.now()) continue;
      this.#scheduleRetry(id, at);
      if (t.failure_kind === 'usage_limit') limitUntil = Math.max(limitUntil, at);
    }
    // A usage limit hit by the previous run still holds: starting other tasks now would only hit it too.
    if (limitUntil > 0) this.#pause(limitUntil, 'usage limit reported in the previous run');
  }

  #clearRetryTimers(): void {
    for (const t of this.#retryTimers.values()) clearTimeout(t);
    this.#retryTimers.clear();
  }

  #clearTimers(): void {
    this.#clearRetryTimers();
    if (this.#pauseTimer) clearTimeout(this.#pauseTimer);
    this.#pauseTimer = null;
  }

  /** Is there anything that could still start in this run (now or after a retry/pause)? */
  #hasWorkLeft(): boolean {
    if (this.#stopping || this.#failFastTripped || this.#budgetSpent || this.#fatal) return false;
    if (this.#retryTimers.size > 0) return true;
    const state = this.#state();
    let id = this.#queue.peek();
    while (id !== undefined && !this.#isReady(id, state)) {
      this.#queue.pop();
      id = this.#queue.peek();
    }
    return id !== undefined;
  }

  #checkFinished(): void {
    if (!this.#runActive || !this.#started || this.#finishing) return;
    if (this.#running.size > 0 || this.#hasWorkLeft()) return;
    this.#finishing = true;
    void this.#finish();
  }

  async #finish(): Promise<void> {
    const run = this.#run!;
    if (this.#tick) clearInterval(this.#tick);
    this.#tick = null;
    this.#clearTimers();
    try {
      await this.#milestoneChain;
      const state = this.#state();
      const all = Object.values(state.tasks).every((t) => t.status === 'completed');
      let outcome: RunOutcome;
      if (all) outcome = 'completed';
      else if (this.#stopping)
        outcome = this.#stopOutcome === 'max_iterations' ? 'max_iterations' : 'interrupted';
      else if (this.#failFastTripped) outcome = 'fail_fast';
      else if (this.#budgetSpent) outcome = 'budget_exhausted';
      else outcome = 'failed';
      await this.#record({ type: 'run_finished', at: now(), completed: all, outcome });
      const store = this.#store!;
      this.#store = null;
      this.#lastState = store.state;
      await store.close();
      const result: RunResult = {
        outcome,
        ok: all,
        summary: this.getStatusSummary(),
        costUsd: this.#spent(),
        ...(this.#signal ? { signal: this.#signal } : {}),
      };
      this.#runActive = false;
      this.#safeEmit('run:finished', result);
      run.resolve(result);
    } catch (e) {
      this.#runActive = false;
      this.#onFatal(e);
    }
  }

  /** The state cannot be written (or similar): stop every worker at once and reject the run. */
  #onFatal(e: unknown): void {
    if (this.#fatal) return;
    const err = e instanceof OrchestratorError ? e : wrapStateError(e);
    this.#fatal = err;
    this.#stopping = true;
    if (this.#tick) clearInterval(this.#tick);
    this.#tick = null;
    this.#clearTimers();
    const runs = [...this.#running.values()];
    void (async () => {
      await Promise.allSettled(runs.map((r) => r.execution.stop({ force: true })));
      await Promise.allSettled(runs.map((r) => r.execution.done));
      const store = this.#store;
      this.#store = null;
      if (store) {
        this.#lastState = store.state;
        await store.close().catch(() => {});
      }
      this.#runActive = false;
      this.#run?.reject(err);
    })();
  }

  /* ------------------------------------------------------------------ periodic work */

  async #periodic(): Promise<void> {
    if (!this.#store) return;
    try {
      for (const r of this.#running.values()) {
        if (!r.dirty || r.settling) continue;
        r.dirty = false;
        await r.startRecorded;
        // The run may have finished (and closed the state) meanwhile.
        if (!this.#store || this.#finishing) return;
        if (this.#running.get(r.id) !== r || r.settling) continue;
        const t: Transition = {
          type: 'task_progress',
          at: now(),
          id: r.id,
          ...(r.tokens
            ? {
                token_usage: r.tokens.usage,
                cost_usd: this.#cost(r.tokens.usage, r.tokens.costUsd, r.model),
              }
            : {}),
          ...(r.step !== null ? { current_step: r.step } : {}),
          model: r.model,
        };
        await this.#record(t);
      }
      if (this.#recordedSinceFlush && this.#store && !this.#finishing) {
        this.#recordedSinceFlush = false;
        await this.#store.flush();
      }
    } catch (e) {
      this.#onFatal(e);
    }
  }

  #queueMilestones(): void {
    if (this.#milestones.length === 0) return;
    // Serialised so that one milestone is never evaluated twice before its record lands.
    this.#milestoneChain = this.#milestoneChain
      .then(async () => {
        if (!this.#store || this.#fatal) return;
        const reached = evaluateMilestones(this.#state(), this.#milestones, new Date());
        for (const m of reached) {
          await this.#record(m);
          this.#safeEmit('milestone', { id: m.id, name: m.name, message: m.message, at: m.at });
        }
      })
      .catch((e: unknown) => this.#onFatal(e));
  }

  /* ------------------------------------------------------------------ plumbing */

  async #record(t: Transition): Promise<void> {
    const store = this.#store;
    if (!store) throw new OrchestratorError('NOT_INITIALIZED', 'the state is closed');
    const entry = await store.record(t);
    this.#recordedSinceFlush = true;
    this.#safeEmit('recorded', entry);
  }

  #warn(code: string, msg: string): void {
    this.#safeEmit('warning', { code, message: msg });
  }

  #safeEmit<E extends keyof OrchestratorEvents>(event: E, ...args: OrchestratorEvents[E]): void {
    try {
      (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args);
    } catch (e) {
      if (event !== 'warning')
        this.#warn('LISTENER_THREW', `a '${event}' listener threw: ${message(e)}`);
    }
  }
}

/* ---------------------------------------------------------------------- helpers */

function loadCascade(file: string): Cascade {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OrchestratorError(
      'CASCADE_NOT_FOUND',
      code === 'ENOENT'
        ? `${file}: plan not found (no such file)`
        : `${file}: cannot read the plan (${code ?? message(e)})`,
      { cause: e, file },
    );
  }
  try {
    return parseCascade(text, { filename: file });
  } catch (e) {
    if (e instanceof CascadeError) {
      const lines = e.diagnostics.map((d) =>
        formatDiagnostic({ ...d, file: d.file ?? file }, 'error'),
      );
      const n = e.diagnostics.length;
      throw new OrchestratorError(
        'CASCADE_INVALID',
        `${file} is invalid (${n} problem${n === 1 ? '' : 's'}):\n${lines.map((l) => `  ${l}`).join('\n')}`,
        { cause: e, file, diagnostics: e.diagnostics },
      );
    }
    throw e;
  }
}

function wrapStateError(e: unknown): OrchestratorError {
  if (e instanceof OrchestratorError) return e;
  if (e instanceof StateError) {
    if (e.code === 'STATE_LOCKED') {
      return new OrchestratorError('STATE_LOCKED', e.message, {
        cause: e,
        ...(e.file ? { file: e.file } : {}),
        ...(e.holderPid !== undefined ? { holderPid: e.holderPid } : {}),
      });
    }
    return new OrchestratorError('STATE_ERROR', e.message, {
      cause: e,
      ...(e.file ? { file: e.file } : {}),
    });
  }
  return new OrchestratorError('STATE_ERROR', `cannot write the state: ${message(e)}`, {
    cause: e,
  });
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new OrchestratorError(
      'INVALID_OPTIONS',
      `${name} must be an integer >= ${min} (got ${v})`,
    );
  }
}
function checkPositive(name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new OrchestratorError('INVALID_OPTIONS', `${name} must be a positive number (got ${v})`);
  }
}
function checkNonNegative(name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new OrchestratorError('INVALID_OPTIONS', `${name} must be a number >= 0 (got ${v})`);
  }
}

function failedOutcome(e: unknown): ExecutionOutcome {
  return spawnErrorOutcome(`the executor failed: ${message(e)}`, false, e);
}

/** Stands in for an execution the executor could not even create. */
function failedExecution(taskId: string, e: unknown): Execution {
  const done = Promise.resolve(failedOutcome(e));
  const self: Execution = {
    taskId,
    pid: null,
    pgid: null,
    logPath: null,
    done,
    on: () => self,
    off: () => self,
    stop: async () => {},
  };
  return self;
}
