/**
 * Public types of @program-nova/worker. This file is the contract other packages build on:
 * shapes may grow, names do not change.
 */
import type { FailureKind, TokenUsage } from '@program-nova/state';

/** What a worker needs to know about its task (a parser Task fits). */
export interface WorkerTask {
  id: string;
  name: string;
  description: string;
  branch: string;
  group: string;
  dependsOn: readonly string[];
  model?: string;
}

export interface StartWorkerOptions {
  task: WorkerTask;
  project: string;
  /** The task's dependencies (for the prompt): their IDs, names and descriptions. */
  dependencies?: readonly Pick<WorkerTask, 'id' | 'name' | 'description'>[];
  /** argv template; placeholders `{id} {name} {description} {branch} {group} {project} {model} {prompt}`. Default: DEFAULT_COMMAND. */
  command?: readonly string[];
  /** stdin template (same placeholders); default '{prompt}'. `null`: stdin is closed at once. */
  stdin?: string | null;
  /** Model for `{model}` when the task has none. */
  model?: string;
  cwd?: string;
  /** Base environment (default process.env); NOVA_* are added and CLAUDECODE removed. */
  env?: NodeJS.ProcessEnv;
  /** The current attempt logs to `<logsDir>/<id>.log`; an earlier one there is kept as `<id>.log.<n>`. */
  logsDir: string;
  /** Exposed to the child as NOVA_STATE_FILE. */
  stateFile?: string;
  /** Wall-clock limit; undefined = none. */
  timeoutMs?: number;
  /** Fail when the child prints nothing (stdout or stderr) for this long; undefined = none. */
  inactivityTimeoutMs?: number;
  /** Log byte cap per attempt; past it the child is stopped and fails with `output_cap`. */
  maxLogBytes?: number;
  /** Between SIGTERM and SIGKILL to the group. */
  killGraceMs?: number;
  /** After a `result` event, how long the process may take to exit before it is stopped. */
  resultGraceMs?: number;
}

export interface TokenUpdate {
  usage: TokenUsage;
  costUsd: number | null;
  model: string | null;
}

export interface WorkerSuccess {
  ok: true;
  exitCode: 0;
  usage: TokenUsage;
  costUsd: number | null;
  model: string | null;
  sessionId: string | null;
  numTurns: number | null;
  durationMs: number;
  logPath: string;
}

export interface WorkerFailureResult {
  ok: false;
  /** Has `code`, `kind`, `exitCode`, `signal`, `timedOut`, `resetAt`, `stderrTail`, `retryable`. */
  error: WorkerFailure;
  usage: TokenUsage;
  costUsd: number | null;
  model: string | null;
  sessionId: string | null;
  durationMs: number;
  logPath: string;
}

export type WorkerResult = WorkerSuccess | WorkerFailureResult;

/** The fields of the worker's error class (the class is `WorkerError`). */
export interface WorkerFailure extends Error {
  code: string;
  kind: FailureKind;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** ISO time a usage limit resets, when the agent said. */
  resetAt: string | null;
  /** Last lines of stderr (for exit-code failures). */
  stderrTail: string;
  /** False for failures a retry cannot fix (command not found). */
  retryable: boolean;
}
