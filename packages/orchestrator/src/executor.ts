/**
 * The executor seam: the only way the scheduler runs a task. The scheduler hands over a
 * TaskRunSpec and gets back an Execution to observe and stop; it never touches processes, process
 * groups or files itself. LocalExecutor (local processes via @program-nova/worker) is the default;
 * a distributed job-queue executor implements the same interface.
 */

import { type FailureKind, type TokenUsage, zeroUsage } from '@program-nova/core';
import type { Task } from '@program-nova/parser';
import type { TaskRunner, TaskState } from '@program-nova/state';

/** Everything an executor needs to run one attempt of one task. */
export interface TaskRunSpec {
  task: Task;
  /** Project name (the plan's H1). */
  project: string;
  /** The task's direct dependencies, for the prompt (with what each reported when it finished). */
  dependencies: { id: string; name: string; description: string; resultText?: string | null }[];
  /** 1-based number of this attempt (interruptions and usage limits do not count). */
  attempt: number;
  /**
   * How many times the task was reset before this attempt (the state's `resets`; absent: 0). A
   * reset numbers attempts from 1 again, so an executor that keeps attempts outside this process
   * (a queue) keys them by both: an attempt of an earlier series is never taken for this one.
   */
  resets?: number;
  /**
   * The task's place in the run's start order (0 = first: most work still depends on it, the
   * critical path). A queue executor passes it on as the job's priority.
   */
  rank: number;
  /** Stable label of the scheduler slot running it (`worker-1` ... `worker-N`). */
  workerId: string;
  /** Model to use when the task names none (undefined: the executor's default). */
  model?: string;
  /** Wall-clock limit for this attempt, if any (task `Timeout` column, else the run's `timeout`). */
  timeoutMs?: number;
  /**
   * Absolute path of the state file (exposed to the worker, used to recognise it on reap). The
   * orchestrator always sets it; absent on a machine that has none (a queue worker's own attempt).
   */
  stateFile?: string;
  /**
   * Worktree mode: the run's base commit and the head commit each dependency completed with (in
   * plan order; a dependency without a recorded head counts as part of the base). An executor that
   * works in worktrees starts the attempt from these; others ignore it.
   */
  workspace?: {
    base: string;
    dependencies: { id: string; branch: string; head: string }[];
    /**
     * The head the task's last completed attempt recorded, when the task was reset since: its
     * branch may still hold that work, which is Nova's, not a user's.
     */
    previousHead?: string;
  };
  /** The command (argv template) that checks the work after the agent exits 0, if any. */
  verify?: readonly string[];
  /** Why the previous attempt was rejected (a failed verify), for the agent's prompt. */
  previousFailure?: string;
}

/** A task's git work once it completed (worktree mode). */
export interface ExecutionGit {
  branch: string;
  /** The commit it started from. */
  base: string;
  head: string;
  files: { path: string; added: number | null; removed: number | null }[];
}

/** Live token totals of a running attempt (totals so far, not deltas). */
export interface ExecutionTokens {
  usage: TokenUsage;
  costUsd: number | null;
  model: string | null;
}

export interface ExecutionSuccess {
  ok: true;
  usage: TokenUsage;
  costUsd: number | null;
  model: string | null;
  durationMs: number;
  commitSha?: string | null;
  filesChanged?: string[] | null;
  /** Set when the attempt's log could not be written completely: how much was, and why. */
  logIncomplete?: string | null;
  /** What the agent reported when it finished (its final result text), if anything. */
  resultText?: string | null;
  /** Worktree mode: the branch, start point, head and changed files of the task's work. */
  git?: ExecutionGit;
}

export interface ExecutionFailure {
  ok: false;
  /** Why it failed; `interrupted` means it was stopped through `stop()`. */
  kind: FailureKind;
  /** One line for people ("exit code 1: <stderr tail>"). */
  message: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** False when trying again cannot help (command not found). */
  retryable: boolean;
  /** For usage limits: when the limit resets (ISO), if known. */
  resetAt: string | null;
  usage: TokenUsage;
  costUsd: number | null;
  model: string | null;
  durationMs: number;
  /** The executor's own error object, for programs that want it. */
  cause?: unknown;
  /**
   * Set (with kind `interrupted`) when the attempt could not run for a reason outside the task,
   * such as a logs folder that cannot be written: the run halts instead of failing task after task.
   */
  environment?: { path: string | null; errno: string | null };
  /** Set when the attempt's log could not be written completely: how much was, and why. */
  logIncomplete?: string | null;
  /**
   * With kind `worker_lost`: the executor has already put the attempt back in its queue (another
   * worker takes it), so it is recorded without counting as an attempt and starts again at once.
   */
  requeued?: boolean;
}

export type ExecutionOutcome = ExecutionSuccess | ExecutionFailure;

export interface ExecutionEvents {
  /** The attempt is really running (process spawned / job picked up). */
  started: [];
  /** Token totals changed. */
  tokens: [ExecutionTokens];
  /** The agent reported its model (and session). */
  init: [{ model: string | null }];
  /** A line of output: what the agent is doing now (for `current_step`). */
  activity: [string];
}

/** One attempt of one task, as handed back by an executor. */
export interface Execution {
  readonly taskId: string;
  /**
   * Where the attempt runs, recorded in the state so a later run can find it again (`reap`).
   * For local processes: pid and process group; others may leave them null.
   */
  readonly pid: number | null;
  readonly pgid: number | null;
  /**
   * The worker process (host name and pid) that took the attempt, for executors that run tasks on
   * other machines; read when the attempt's start is recorded. Local executions leave it out.
   */
  readonly runner?: TaskRunner | null;
  /** Where its output goes (a file path or any locator the executor understands), if anywhere. */
  readonly logPath: string | null;
  /** Resolves once with the outcome. Never rejects: failures are outcomes. */
  readonly done: Promise<ExecutionOutcome>;
  on<E extends keyof ExecutionEvents>(
    event: E,
    listener: (...args: ExecutionEvents[E]) => void,
  ): this;
  off<E extends keyof ExecutionEvents>(
    event: E,
    listener: (...args: ExecutionEvents[E]) => void,
  ): this;
  /**
   * Ask it to stop (graceful: SIGTERM, grace, SIGKILL for local processes); `force` stops at once.
   * Resolves when it has stopped; `done` then resolves with kind `interrupted` (unless it finished
   * first, in which case its real outcome stands).
   */
  stop(options?: { force?: boolean }): Promise<void>;
  /**
   * Optional: called once the outcome is in the journal. An executor that keeps outcomes outside
   * this process (a queue) drops its copy only then, so a crash before the record leaves the
   * outcome for the next run to take instead of running the attempt again.
   */
  acknowledge?(): void;
}

/** What a previous run recorded about a task that was running when it ended. */
export interface RecordedAttempt {
  id: string;
  state: Readonly<TaskState>;
  /** Absolute path of the state file (the same value given to `start` as `stateFile`). */
  stateFile: string;
}

export interface ReapResult {
  /** Whether anything of the attempt was still running (and has now been stopped). */
  found: boolean;
  /** What was done, for the log ("stopped process group 1234", "nothing left"). */
  detail: string;
}

export interface Executor {
  /** Start one attempt. Must not throw for a failure of the task itself: report it through `done`. */
  start(spec: TaskRunSpec): Execution;
  /**
   * Stop whatever is left of an attempt a previous (crashed) run started. Must make sure it is
   * really that attempt (ids can be reused) before stopping anything.
   */
  reap(attempt: RecordedAttempt): Promise<ReapResult>;
  /**
   * Optional: stop anything still running for this state file that the state does not know about
   * (a run killed between starting an attempt and journaling its start). Called once when the state
   * is opened, before anything starts, while this orchestrator holds the state's lease.
   */
  reapStrays?(stateFile: string): Promise<ReapResult & { taskIds: string[] }>;
  /**
   * Optional, worktree mode: once every task completed, merge the heads of the tasks nothing
   * depends on into the run's result branch. Rejects (naming the conflicting files and tasks)
   * when they cannot be merged; nothing of the user's is touched either way.
   */
  mergeResult?(input: {
    sinks: { id: string; head: string }[];
    base: string;
  }): Promise<{ branch: string; head: string }>;
}

/** The outcome of an attempt that failed before anything ran (no usage, no duration). */
export function spawnErrorOutcome(
  message: string,
  retryable: boolean,
  cause: unknown,
): ExecutionFailure {
  return { ...failureOutcome('spawn_error', message, retryable), cause };
}

/** A failed attempt with no process facts, no usage and no duration (callers add what they know). */
export function failureOutcome(
  kind: FailureKind,
  message: string,
  retryable: boolean,
): ExecutionFailure {
  return {
    ok: false,
    kind,
    message,
    exitCode: null,
    signal: null,
    timedOut: false,
    retryable,
    resetAt: null,
    usage: zeroUsage(),
    costUsd: null,
    model: null,
    durationMs: 0,
  };
}
