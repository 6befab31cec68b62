/**
 * Public types of @program-nova/worker. This file is the contract other packages build on:
 * shapes may grow, names do not change.
 */
import type { FailureKind, TokenUsage } from '@program-nova/core';

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
  /** The task's dependencies (for the prompt): their IDs, names, descriptions and reports. */
  dependencies?: readonly DependencyInfo[];
  /** The git worktree the task works in, for the prompt (cwd is where it runs). */
  workspace?: WorkspaceInfo;
  /** Why the previous attempt was rejected (a failed verify and its output), for the prompt. */
  previousFailure?: string;
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
  /** Minimum time between two 'tokens' (and 'activity') events while the process runs. Default 250. */
  progressIntervalMs?: number;
  /** Longest stdout line kept for JSON parsing; longer lines are only logged. Default 8 MiB. */
  maxLineBytes?: number;
}

/** A completed dependency, as the prompt describes it. */
export interface DependencyInfo extends Pick<WorkerTask, 'id' | 'name' | 'description'> {
  /** What its agent reported when it finished (its WorkerSuccess.resultText), quoted in the prompt. */
  resultText?: string | null;
  /** Its git branch and head commit, when the run works in worktrees. */
  branch?: string | null;
  head?: string | null;
}

/** A task's own git worktree, as the prompt describes it. */
export interface WorkspaceInfo {
  /** The branch checked out in the worktree. */
  branch: string;
  /** The commit the task starts from. */
  startPoint: string;
}

/** Values for the argv/stdin template placeholders (`{id}`, `{name}`, ...). */
export type { TemplateValues } from '@program-nova/core';

/** Input of `buildPrompt`. */
export interface PromptInput {
  project: string;
  task: Pick<WorkerTask, 'id' | 'name' | 'description' | 'branch' | 'group'> & {
    dependsOn?: readonly string[];
  };
  dependencies?: readonly DependencyInfo[];
  workspace?: WorkspaceInfo;
  previousFailure?: string;
}

/** What the agent's `result` event said. */
export interface AgentResultInfo {
  isError: boolean;
  subtype: string | null;
  /** The `result` text (bounded to 4,000 characters). */
  text: string | null;
  numTurns: number | null;
  durationMs: number | null;
}

/** A `rate_limit_event` the agent printed. */
export interface RateLimitInfo {
  status: string | null;
  /** ISO time the limit resets, when reported. */
  resetsAt: string | null;
  limitType: string | null;
}

/** Everything token accounting learnt from an agent's output so far. */
export interface AgentOutputSummary {
  /** The result's totals once a result was seen; before that, the sum of assistant messages (each id once). */
  usage: TokenUsage;
  costUsd: number | null;
  model: string | null;
  sessionId: string | null;
  numTurns: number | null;
  result: AgentResultInfo | null;
  rateLimit: RateLimitInfo | null;
  /** Per-model totals from the result's `modelUsage`, when present. */
  modelUsage: Record<string, TokenUsage & { costUsd: number | null }> | null;
  /** Distinct assistant message ids counted. */
  assistantMessages: number;
  /** JSON events recognised (any `type`). */
  events: number;
  /** Lines dropped from parsing because they were longer than the line limit. */
  oversizedLines: number;
}

/** Incremental token accounting over an agent's stdout (see `createUsageTracker`). */
export interface UsageTracker {
  /** Feed the next stdout bytes (any chunking). Returns true when the summary changed. */
  push(chunk: string | Uint8Array): boolean;
  /** The output ended: parse a final unterminated line (and a multi-line JSON document). */
  end(): boolean;
  summary(): AgentOutputSummary;
  /** Short description of the agent's latest step (for `current_step`), or null. */
  lastActivity(): string | null;
}

export interface TokenUpdate {
  usage: TokenUsage;
  costUsd: number | null;
  model: string | null;
}

export interface WorkerSuccess {
  ok: true;
  exitCode: 0;
  /** True when the process had sent a successful result but was stopped after resultGraceMs. */
  stoppedAfterResult?: boolean;
  usage: TokenUsage;
  costUsd: number | null;
  model: string | null;
  sessionId: string | null;
  numTurns: number | null;
  durationMs: number;
  logPath: string;
  /** The agent's final `result` text (bounded to 4,000 characters), or null when it sent none. */
  resultText: string | null;
  /**
   * One line saying what the log lacks and why (`the log was cut at 139 KiB: ENOSPC (no space left
   * on device)`), or null when the log holds the whole attempt.
   */
  logIncomplete: string | null;
}

export interface WorkerFailureResult {
  ok: false;
  /**
   * Has `code`, `kind`, `exitCode`, `signal`, `timedOut`, `resetAt`, `stderrTail`, `retryable`,
   * `environment`, `path`, `errno`.
   */
  error: WorkerFailure;
  usage: TokenUsage;
  costUsd: number | null;
  model: string | null;
  sessionId: string | null;
  durationMs: number;
  logPath: string;
  /** As on WorkerSuccess. */
  resultText: string | null;
  /** As on WorkerSuccess. */
  logIncomplete: string | null;
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
  /**
   * True when the machine, not the task, is at fault (LOG_UNAVAILABLE: the logs folder cannot be
   * written): the task did not run, and starting others will fail the same way until it is fixed.
   */
  environment: boolean;
  /** The file or folder an environment failure is about (the log path), else null. */
  path: string | null;
  /** The system error code of an environment failure (`EACCES`, `ENOSPC`, ...), else null. */
  errno: string | null;
}

/** Error codes of `WorkerError`. */
export type WorkerErrorCode =
  | 'EXIT_CODE'
  | 'SIGNAL'
  | 'TIMEOUT'
  | 'INACTIVITY_TIMEOUT'
  | 'OUTPUT_CAP'
  | 'COMMAND_NOT_FOUND'
  | 'SPAWN_FAILED'
  | 'AGENT_ERROR'
  | 'USAGE_LIMIT'
  | 'TERMINATED'
  | 'HOST_EXITED'
  | 'LOG_UNAVAILABLE';

export interface WorkerEvents {
  spawn: [];
  init: [info: { model: string | null; sessionId: string | null }];
  tokens: [update: TokenUpdate];
  activity: [line: string];
}

export interface WorkerProcess {
  readonly taskId: string;
  readonly pid: number | null;
  /** Process group id (the worker leads its own group, so it equals pid). */
  readonly pgid: number | null;
  readonly logPath: string;
  readonly startedAt: Date;
  /** The argv actually spawned (after placeholder substitution). */
  readonly argv: readonly string[];
  /** Settles once the process has exited, its output is read and the log is flushed. Never rejects. */
  readonly done: Promise<WorkerResult>;
  on<E extends keyof WorkerEvents>(event: E, listener: (...args: WorkerEvents[E]) => void): this;
  off<E extends keyof WorkerEvents>(event: E, listener: (...args: WorkerEvents[E]) => void): this;
  once<E extends keyof WorkerEvents>(event: E, listener: (...args: WorkerEvents[E]) => void): this;
  /** SIGTERM to the group, grace, SIGKILL; a second call kills at once. Resolves once the process has exited. */
  terminate(): Promise<void>;
}
