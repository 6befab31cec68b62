/**
 * The Orchestrator: runs a plan as a dependency graph over N workers. It is the story of a run —
 * open the state, record the start, fill free slots as tasks become ready, record every outcome,
 * finish — told through its parts: the engine (engine.ts) ties the schedule, timers, budget and
 * phase together; launch.ts starts attempts through the Executor, settle.ts records outcomes,
 * resume.ts opens and recovers the state, progress.ts records live progress. The plan and the
 * milestones file are read through inputs.ts; tasks run only through the Executor, so the
 * scheduling itself never touches a process or a file.
 */
import { EventEmitter } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import type { Cascade } from '@program-nova/parser';
import type { CascadeState, StatusSummary } from '@program-nova/state';
import { ownIdentity } from '@program-nova/state/store';
import { deferred, now, RunEngine } from './engine.js';
import { OrchestratorError } from './errors.js';
import type { OrchestratorEvents, RunResult, TaskStartedEvent } from './events.js';
import type { Executor } from './executor.js';
import { loadCascade } from './inputs.js';
import { launch, startedEvent } from './launch.js';
import {
  type AgentCheck,
  agentCheckFor,
  checkAgentFound,
  checkInt,
  checkPositive,
  executorFor,
  type OrchestratorOptions,
  type RunOptions,
  resolveSettings,
  type StopOptions,
} from './options.js';
import { recordProgress } from './progress.js';
import { armPendingRetries, openRun } from './resume.js';
import type { Halt } from './run-phase.js';

export type { OrchestratorOptions, RunOptions, StopOptions } from './options.js';

const DEFAULT_STOP_REASON = 'stopped by the orchestrator';

export class Orchestrator extends EventEmitter<OrchestratorEvents> {
  readonly cascade: Cascade;
  readonly cascadeFile: string | null;
  readonly stateFile: string;
  readonly logsDir: string;
  readonly maxWorkers: number;
  readonly executor: Executor;
  readonly #engine: RunEngine;
  readonly #agent: AgentCheck | null;
  #initializing: Promise<void> | null = null;

  constructor(options: OrchestratorOptions) {
    super();
    const settings = resolveSettings(options);
    this.maxWorkers = settings.maxWorkers;
    this.cascadeFile = options.cascadeFile ?? options.cascade?.filename ?? null;
    this.cascade = options.cascade ?? loadCascade(options.cascadeFile!);
    this.stateFile = resolve(options.stateFile ?? 'cascade_state.json');
    this.logsDir = resolve(options.logsDir ?? join(dirname(this.stateFile), 'logs'));
    this.executor = executorFor(options, this.logsDir);
    this.#agent = agentCheckFor(options);
    this.#engine = new RunEngine(this.cascade, settings, this.executor, this.stateFile, (e, ...a) =>
      this.emit(e as keyof OrchestratorEvents, ...(a as never)),
    );
  }

  /* ------------------------------------------------------------------ lifecycle */

  /**
   * Open (or create) the state, reconcile a changed plan, load milestones, reap what a crashed
   * run left running. `run()` calls it; call it yourself to inspect before running. Idempotent.
   */
  init(): Promise<void> {
    if (this.#engine.session.isOpen) return Promise.resolve();
    this.#initializing ??= openRun(this.#engine, this.cascadeFile).finally(() => {
      this.#initializing = null;
    });
    return this.#initializing;
  }

  /**
   * Run the plan to the end: until every task is completed, or nothing more can start (failures,
   * fail-fast, budget, an environment problem), or `stop()`. Resolves with the outcome; rejects with
   * an OrchestratorError when the plan or state is unusable, the state cannot be written, or the
   * lease on it was lost.
   */
  async run(options: RunOptions = {}): Promise<RunResult> {
    const engine = this.#engine;
    const { phase } = engine;
    if (phase.active)
      throw new OrchestratorError('ALREADY_RUNNING', 'this orchestrator is already running');
    const checkInterval = options.checkInterval ?? 1000;
    checkPositive('checkInterval', checkInterval);
    if (options.maxIterations !== undefined) checkInt('maxIterations', options.maxIterations, 0);
    // Here rather than in the constructor: an orchestrator built only to reset() or inspect a
    // state needs no agent. Before the state opens, so a missing agent changes nothing.
    checkAgentFound(this.#agent);
    // Active from here, so that a stop() (a signal) arriving while the state opens is honoured.
    phase.begin();
    engine.signal = undefined;
    const run = deferred<RunResult>();
    engine.run = run;
    run.promise.catch(() => {}); // the caller gets the rejection through the returned promise
    try {
      await this.init();
    } catch (e) {
      phase.phase = 'idle';
      run.reject(e);
      throw e;
    }
    const state = engine.session.state();
    const resumed = Object.values(state.tasks).some((t) => t.started_at !== null);
    const me = ownIdentity();
    try {
      await engine.session.record({
        type: 'run_started',
        at: now(),
        pid: process.pid,
        cascade_file: this.cascadeFile,
        host: me.hostname,
        ...(me.proc_start ? { proc_start: me.proc_start } : {}),
      });
    } catch (e) {
      engine.onFatal(e);
      return run.promise;
    }
    phase.phase = 'running';
    engine.emit('run:started', { pid: process.pid, resumed });
    let ticks = 0;
    engine.tick = setInterval(() => {
      ticks++;
      void recordProgress(engine);
      const limit = options.maxIterations;
      if (limit === undefined || ticks < limit || phase.halted) return;
      if (engine.attempts.size === 0 && !engine.hasWorkLeft()) return;
      void this.#stop(false, {
        reason: 'max_iterations',
        detail: `stopped after ${limit} iterations`,
      });
    }, checkInterval);
    armPendingRetries(engine);
    engine.queueMilestones();
    engine.checkBudget();
    engine.fill();
    return run.promise;
  }

  /**
   * Stop the run: nothing new starts, every running task is stopped (graceful unless `force`; a
   * second call forces), interrupted tasks go back to pending with the reason, the state is
   * written. Resolves when all of that is done.
   */
  stop(options: StopOptions = {}): Promise<void> {
    return this.#stop(options.force === true, {
      reason: 'stopped',
      detail: options.reason ?? DEFAULT_STOP_REASON,
    });
  }

  async #stop(force: boolean, halt: Halt): Promise<void> {
    const engine = this.#engine;
    // A second stop forces.
    force ||= engine.phase.stopping;
    engine.phase.stop(halt);
    engine.timers.clear();
    await Promise.all(
      [...engine.attempts.values()].map((a) => {
        a.stopRequested = true;
        return a.execution.stop({ force }).catch((e: unknown) => {
          engine.warn('STOP_FAILED', `${a.id}: ${e instanceof Error ? e.message : String(e)}`);
        });
      }),
    );
    if (engine.phase.active) {
      engine.checkFinished();
      await engine.run!.promise.catch(() => {});
    } else {
      // No run: tasks started by hand settle on their own; wait for their records.
      await engine.whenIdle();
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
      this.#engine.signal ??= signal;
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
    const engine = this.#engine;
    const state = engine.session.state();
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
      await engine.session.record({ type: 'task_reset', at: now(), id });
      cleared.push(id);
    }
    if (cleared.length) {
      engine.schedule.rebuild(engine.session.state());
      if (engine.phase.active) engine.fill();
    }
    return cleared;
  }

  /** Close the state without running (final snapshot, lease released). */
  async close(): Promise<void> {
    if (this.#engine.phase.active) await this.stop();
    await this.#engine.whenIdle();
    await this.#engine.session.close();
  }

  /* ------------------------------------------------------------------ queries */

  /** Ready tasks in start order (critical path first, file order on ties). */
  getReadyTasks(): string[] {
    return this.#engine.schedule.readyTasks(this.#engine.session.state());
  }

  getStatusSummary(): StatusSummary {
    return this.#engine.summary();
  }

  /** The current state document (read-only). */
  get state(): Readonly<CascadeState> {
    return this.#engine.session.state();
  }

  /** IDs of the tasks running now. */
  get runningTasks(): string[] {
    return [...this.#engine.attempts.keys()];
  }

  /* ------------------------------------------------------------------ control */

  /**
   * Start one task now. It must be pending, its dependencies completed in the journal, any
   * scheduled retry due, and a slot free. Resolves once its start is recorded.
   */
  async startWorker(id: string): Promise<TaskStartedEvent> {
    const engine = this.#engine;
    const state = engine.session.state();
    if (!engine.schedule.tasks.has(id) || !state.tasks[id]) {
      throw new OrchestratorError('UNKNOWN_TASK', `no task ${id} in the plan`);
    }
    if (engine.phase.halted) {
      throw new OrchestratorError('NOT_ACCEPTING', `not starting ${id}: the run is stopping`);
    }
    if (!engine.schedule.isReady(id, state)) {
      throw new OrchestratorError(
        'TASK_NOT_READY',
        `${id} is not ready (${engine.schedule.whyNotReady(id, state)})`,
      );
    }
    if (!engine.schedule.hasFreeSlot) {
      throw new OrchestratorError('NO_FREE_SLOT', `all ${this.maxWorkers} workers are busy`);
    }
    const a = launch(engine, id);
    await a.startRecorded;
    return startedEvent(a);
  }

  /**
   * One pass of the periodic work (what each `checkInterval` tick does): record progress of
   * running tasks, start what is ready. Returns the summary afterwards.
   */
  async monitorWorkers(): Promise<StatusSummary> {
    await recordProgress(this.#engine);
    this.#engine.fill();
    return this.getStatusSummary();
  }
}
