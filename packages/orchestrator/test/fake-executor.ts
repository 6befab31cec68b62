/**
 * An in-memory Executor for scheduler tests: every start is recorded, and the test (or a
 * behaviour function) decides each attempt's outcome. Observations are taken at the moment of
 * the start, e.g. what the journal said about the task's dependencies.
 */
import { EventEmitter } from 'node:events';
import type {
  Execution,
  ExecutionEvents,
  ExecutionOutcome,
  Executor,
  ReapResult,
  RecordedAttempt,
  TaskRunSpec,
} from '../src/executor.js';

export const ZERO = {
  input_tokens: 0,
  output_tokens: 0,
  cache_read_tokens: 0,
  cache_creation_tokens: 0,
};

export function ok(extra: Partial<ExecutionOutcome> = {}): ExecutionOutcome {
  return {
    ok: true,
    usage: { ...ZERO },
    costUsd: null,
    model: null,
    durationMs: 1,
    ...extra,
  } as ExecutionOutcome;
}

export function fail(
  extra: Partial<Extract<ExecutionOutcome, { ok: false }>> = {},
): ExecutionOutcome {
  return {
    ok: false,
    kind: 'exit_code',
    message: 'exit code 1',
    exitCode: 1,
    signal: null,
    timedOut: false,
    retryable: true,
    resetAt: null,
    usage: { ...ZERO },
    costUsd: null,
    model: null,
    durationMs: 1,
    ...extra,
  };
}

export class FakeExecution implements Execution {
  readonly taskId: string;
  readonly pid: number | null;
  readonly pgid: number | null;
  readonly logPath: string | null;
  readonly done: Promise<ExecutionOutcome>;
  readonly spec: TaskRunSpec;
  readonly stops: { force: boolean }[] = [];
  settled = false;
  /** Whether (and when, relative to the journal) the orchestrator acknowledged the outcome. */
  acknowledged = false;
  readonly #events = new EventEmitter();
  #resolve!: (o: ExecutionOutcome) => void;
  readonly #onSettle: () => void;

  constructor(spec: TaskRunSpec, pid: number, onSettle: () => void) {
    this.spec = spec;
    this.taskId = spec.task.id;
    this.pid = pid;
    this.pgid = pid;
    this.logPath = `/fake/${spec.task.id}.log`;
    this.#onSettle = onSettle;
    this.done = new Promise((res) => {
      this.#resolve = res;
    });
  }

  on<E extends keyof ExecutionEvents>(event: E, l: (...a: ExecutionEvents[E]) => void): this {
    this.#events.on(event, l as (...a: unknown[]) => void);
    return this;
  }
  off<E extends keyof ExecutionEvents>(event: E, l: (...a: ExecutionEvents[E]) => void): this {
    this.#events.off(event, l as (...a: unknown[]) => void);
    return this;
  }
  emit<E extends keyof ExecutionEvents>(event: E, ...args: ExecutionEvents[E]): void {
    this.#events.emit(event, ...args);
  }

  finish(outcome: ExecutionOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.#onSettle();
    this.#resolve(outcome);
  }

  acknowledge(): void {
    this.acknowledged = true;
  }

  async stop(options: { force?: boolean } = {}): Promise<void> {
    this.stops.push({ force: options.force === true });
    this.finish(
      fail({ kind: 'interrupted', message: 'terminated', exitCode: null, signal: 'SIGTERM' }),
    );
  }
}

export type Behaviour = (spec: TaskRunSpec, exec: FakeExecution) => ExecutionOutcome | 'manual';

export class FakeExecutor implements Executor {
  readonly executions: FakeExecution[] = [];
  readonly reaped: RecordedAttempt[] = [];
  live = 0;
  maxLive = 0;
  #pid = 100000;
  readonly #behaviour: Behaviour;
  readonly #onStart: ((e: FakeExecution) => void) | undefined;

  constructor(behaviour: Behaviour = () => ok(), onStart?: (e: FakeExecution) => void) {
    this.#behaviour = behaviour;
    this.#onStart = onStart;
  }

  start(spec: TaskRunSpec): Execution {
    const exec = new FakeExecution(spec, this.#pid++, () => {
      this.live--;
    });
    this.executions.push(exec);
    this.live++;
    this.maxLive = Math.max(this.maxLive, this.live);
    this.#onStart?.(exec);
    const b = this.#behaviour(spec, exec);
    // Finish on a later turn, as a process would.
    if (b !== 'manual') setImmediate(() => exec.finish(b));
    return exec;
  }

  async reap(attempt: RecordedAttempt): Promise<ReapResult> {
    this.reaped.push(attempt);
    return { found: false, detail: 'nothing left (fake)' };
  }

  readonly strayReaps: string[] = [];
  async reapStrays(stateFile: string): Promise<ReapResult & { taskIds: string[] }> {
    this.strayReaps.push(stateFile);
    return { found: false, detail: 'nothing left (fake)', taskIds: [] };
  }

  startsOf(id: string): FakeExecution[] {
    return this.executions.filter((e) => e.taskId === id);
  }

  get order(): string[] {
    return this.executions.map((e) => e.taskId);
  }

  running(): FakeExecution[] {
    return this.executions.filter((e) => !e.settled);
  }
}
