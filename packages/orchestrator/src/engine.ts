/**
 * The run machinery the Orchestrator drives: the parts (schedule, timers, spend, phase, session)
 * and the few rules that tie them together — fill free slots, release a slot, decide when the run
 * is over, finish it, and stop everything on a fatal error. Starting an attempt and recording its
 * outcome live in launch.ts and settle.ts; opening and resuming in resume.ts.
 */
import type { Cascade } from '@program-nova/parser';
import { evaluateMilestones, type MilestoneDefinition, summarize } from '@program-nova/state';
import { fromStateError, type OrchestratorError } from './errors.js';
import type { RunResult } from './events.js';
import type { Executor } from './executor.js';
import { type Attempt, launch } from './launch.js';
import type { Settings } from './options.js';
import { type LimitReport, nextPause, type Pause } from './pause.js';
import { RunPhase } from './run-phase.js';
import { Schedule } from './schedule.js';
import { type Emit, Session } from './session.js';
import { Spend } from './spend.js';
import { Timers } from './timers.js';

type Deferred<T> = { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };

export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export const now = () => new Date().toISOString();
export const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class RunEngine {
  readonly session: Session;
  readonly schedule: Schedule;
  readonly timers: Timers;
  readonly spend: Spend;
  readonly phase = new RunPhase();
  /** Attempts running now, by task id. */
  readonly attempts = new Map<string, Attempt>();
  milestones: MilestoneDefinition[] = [];
  #milestoneChain: Promise<void> = Promise.resolve();
  #idleWaiters: (() => void)[] = [];
  tick: NodeJS.Timeout | null = null;
  run: Deferred<RunResult> | null = null;
  /** The signal that stopped the run (handleSignals). */
  signal: NodeJS.Signals | undefined;
  /** The pause of new starts; it holds until its end is in the journal (run_resumed). */
  #pause: Pause | null = null;

  /** Emits to the Orchestrator's listeners; a listener that throws becomes a warning. */
  readonly emit: Emit;

  constructor(
    readonly cascade: Cascade,
    readonly settings: Settings,
    readonly executor: Executor,
    readonly stateFile: string,
    emit: (event: string, ...args: unknown[]) => boolean,
  ) {
    this.emit = ((event: string, ...args: unknown[]) => {
      try {
        emit(event, ...args);
      } catch (e) {
        if (event !== 'warning') {
          this.session.warn('LISTENER_THREW', `a '${event}' listener threw: ${message(e)}`, false);
        }
      }
    }) as Emit;
    this.session = new Session(this.emit);
    this.schedule = new Schedule(cascade, settings.order, settings.maxWorkers, (id) =>
      this.attempts.has(id),
    );
    this.timers = new Timers(
      (id) => {
        this.schedule.offer(id, this.session.state());
        this.fill();
      },
      () => this.#pauseOver(),
    );
    this.spend = new Spend(settings.pricing);
  }

  warn(code: string, text: string): void {
    this.session.warn(code, text);
  }

  /** Tasks may start now: the run is on, nothing halted it, no usage-limit pause holds. */
  accepting(): boolean {
    return this.phase.running && !this.phase.halted && this.#pause === null;
  }

  /** Starts ready tasks into free slots. Synchronous: a start never waits for a tick. */
  fill(): void {
    if (this.accepting()) {
      const state = this.session.state();
      while (this.schedule.hasFreeSlot) {
        const id = this.schedule.takeReady(state);
        if (id === undefined) break;
        launch(this, id);
      }
    }
    this.checkFinished();
  }

  release(a: Attempt): void {
    if (this.attempts.get(a.id) !== a) return;
    this.attempts.delete(a.id);
    this.schedule.releaseSlot(a.slot);
    if (this.attempts.size === 0) for (const w of this.#idleWaiters.splice(0)) w();
  }

  whenIdle(): Promise<void> {
    if (this.attempts.size === 0) return Promise.resolve();
    return new Promise((res) => this.#idleWaiters.push(res));
  }

  /** Could anything still start in this run (now, or after a retry or a pause)? */
  hasWorkLeft(): boolean {
    if (this.phase.halted) return false;
    if (this.timers.retriesPending) return true;
    return this.schedule.anyReady(this.session.state());
  }

  checkFinished(): void {
    if (!this.phase.running) return;
    if (this.attempts.size > 0 || this.hasWorkLeft()) return;
    this.phase.phase = 'finishing';
    void this.#finish();
  }

  /** Nothing new starts once the budget is spent (finished attempts plus the live cost of others). */
  checkBudget(): void {
    const max = this.settings.maxCost;
    if (max === undefined || this.phase.halted || !this.phase.active) return;
    const spent = this.spend.total(this.attempts.values());
    if (spent < max) return;
    this.phase.stop({ reason: 'budget_exhausted' });
    this.timers.clearRetries();
    this.warn(
      'BUDGET_EXHAUSTED',
      `spent $${spent.toFixed(2)} of the $${max.toFixed(2)} budget: starting nothing new`,
    );
  }

  /**
   * A usage limit was reported: the pause rules (pause.ts) decide whether the pause moves. Nothing
   * starts from this call on while it holds; the pause is in the journal (`run_paused`) and told
   * to listeners once the returned promise resolves. Returns the instant the pause ends.
   */
  usageLimit(report: LimitReport): { until: number; recorded: Promise<void> } {
    const next = nextPause(this.#pause, report, Date.now(), this.settings.usageLimitPauseMs);
    if (next === null) return { until: this.#pause!.until, recorded: Promise.resolve() };
    this.#pause = next;
    this.timers.pause(next.until);
    const event = {
      until: new Date(next.until).toISOString(),
      reason: next.reason,
      task: next.task,
    };
    const recorded = this.session
      .record({ type: 'run_paused', at: now(), ...event })
      .then(() => this.emit('run:paused', event));
    return { until: next.until, recorded };
  }

  /**
   * The pause ran out: recorded as over, then starts resume. Until the record is written the
   * pause still holds, so no start (say, a retry whose timer fired first) comes before it.
   */
  #pauseOver(): void {
    const ended = this.#pause;
    const resume = () => {
      if (this.#pause === ended) this.#pause = null;
    };
    if (!this.session.isOpen || !this.phase.running) {
      resume();
      this.fill();
      return;
    }
    const at = now();
    this.session.record({ type: 'run_resumed', at }).then(
      () => {
        resume();
        this.emit('run:resumed', { at });
        this.fill();
      },
      (e: unknown) => this.onFatal(e),
    );
  }

  /** The task may start again at `at` (already recorded); no timers outside a run. */
  retryAt(id: string, at: number): void {
    if (this.phase.active) this.timers.retryAt(id, at);
  }

  /** Milestones are evaluated one after another, so none is recorded twice. */
  queueMilestones(): void {
    if (this.milestones.length === 0) return;
    this.#milestoneChain = this.#milestoneChain
      .then(async () => {
        if (!this.session.isOpen || this.phase.fatal) return;
        const reached = evaluateMilestones(this.session.state(), this.milestones, new Date());
        for (const m of reached) {
          await this.session.record(m);
          this.emit('milestone', { id: m.id, name: m.name, message: m.message, at: m.at });
        }
      })
      .catch((e: unknown) => this.onFatal(e));
  }

  #stopTick(): void {
    if (this.tick) clearInterval(this.tick);
    this.tick = null;
    this.timers.clear();
  }

  async #finish(): Promise<void> {
    const run = this.run!;
    this.#stopTick();
    try {
      await this.#milestoneChain;
      await this.reapLeftovers();
      const state = this.session.state();
      const all = Object.values(state.tasks).every((t) => t.status === 'completed');
      const outcome = this.phase.outcome(all);
      const merged = all ? await this.#mergeResult() : null;
      await this.session.record({ type: 'run_finished', at: now(), completed: all, outcome });
      await this.session.close();
      const halt = this.phase.halt;
      const result: RunResult = {
        outcome,
        ok: all,
        summary: this.summary(),
        costUsd: this.spend.total(this.attempts.values()),
        ...(this.signal ? { signal: this.signal } : {}),
        ...(halt?.reason === 'aborted' ? { error: halt.error } : {}),
        ...(merged ?? {}),
      };
      this.phase.phase = 'idle';
      this.emit('run:finished', result);
      run.resolve(result);
    } catch (e) {
      this.phase.phase = 'idle';
      this.onFatal(e);
    }
  }

  /**
   * Worktree mode, every task completed: the work of the tasks nothing depends on is merged into
   * the result branch (by the executor: the orchestrator runs no git). A conflict is reported, not
   * fatal: every task's own branch stands.
   */
  async #mergeResult(): Promise<Pick<RunResult, 'resultBranch' | 'resultError'> | null> {
    const workspace = this.session.state().project.workspace;
    if (!workspace || !this.settings.worktrees || !this.executor.mergeResult) return null;
    const state = this.session.state();
    const sinks = [...this.schedule.tasks.keys()]
      .filter((id) => (this.schedule.dependents.get(id) ?? []).length === 0)
      .flatMap((id) => {
        const head = state.tasks[id]?.git?.head;
        return head ? [{ id, head }] : [];
      });
    try {
      const result = await this.executor.mergeResult({ sinks, base: workspace.base });
      await this.session.record({ type: 'result_merged', at: now(), ...result });
      return { resultBranch: result };
    } catch (e) {
      const text = `the result branch could not be made: ${message(e)}`;
      this.warn('RESULT_CONFLICT', text);
      return { resultError: text };
    }
  }

  /**
   * No process outlives the run: whatever still carries this run's markers now (an agent's daemon
   * that left its process group) is stopped. A process that cleared its environment cannot be
   * found this way.
   */
  async reapLeftovers(): Promise<void> {
    if (!this.executor.reapStrays || this.attempts.size > 0) return;
    const strays = await this.executor.reapStrays(this.stateFile).catch((e: unknown) => ({
      found: false,
      detail: `the search for leftover processes failed: ${message(e)}`,
      taskIds: [] as string[],
    }));
    if (strays.found) {
      this.warn(
        'LEFTOVERS_STOPPED',
        `processes started by tasks (${this.inPlanOrder(strays.taskIds).join(', ')}) were still running after their agents ended: ${strays.detail}`,
      );
    }
  }

  /** Task ids as the plan lists them: a process scan finds them in whatever order pids came. */
  inPlanOrder(ids: readonly string[]): string[] {
    const found = new Set(ids);
    const known = this.cascade.tasks.map((t) => t.id).filter((id) => found.has(id));
    const unknown = ids.filter((id) => !known.includes(id));
    return [...known, ...unknown];
  }

  summary(): RunResult['summary'] {
    return { ...summarize(this.session.state()), activeWorkers: this.attempts.size };
  }

  /**
   * The state cannot be written, or the lease is lost: stop every worker at once and reject the
   * run. After a lost lease nothing more is written and nothing else is stopped: another process
   * may own this state now.
   */
  onFatal(e: unknown): void {
    const err: OrchestratorError = fromStateError(e);
    if (!this.phase.stop({ reason: 'fatal', error: err })) return;
    this.#stopTick();
    const running = [...this.attempts.values()];
    void (async () => {
      await Promise.allSettled(running.map((a) => a.execution.stop({ force: true })));
      await Promise.allSettled(running.map((a) => a.execution.done));
      if (err.code !== 'LEASE_LOST') await this.reapLeftovers();
      await this.session.abandon();
      this.phase.phase = 'idle';
      this.run?.reject(err);
    })();
  }
}
