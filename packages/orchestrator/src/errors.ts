import { StateError } from '@program-nova/state';

/**
 * The one error class of @program-nova/orchestrator. `code` is stable and meant for programs;
 * `message` is meant for people and names the file (and line, when there is one).
 */
export type OrchestratorErrorCode =
  /** An option is missing or out of range (e.g. `maxWorkers: 0`). */
  | 'INVALID_OPTIONS'
  /**
   * The agent program of the default executor (the worker command's first word, default `claude`)
   * is not an executable file on PATH (or at the path given): `run()` refuses before it opens the
   * state or starts anything, rather than fail every task with `command_not_found`.
   */
  | 'AGENT_NOT_FOUND'
  /** The CASCADE.md file does not exist or cannot be read. */
  | 'CASCADE_NOT_FOUND'
  /** The plan is invalid; `diagnostics` holds every problem (from the parser). */
  | 'CASCADE_INVALID'
  /** The milestones file does not exist or cannot be read. */
  | 'MILESTONES_NOT_FOUND'
  /** The milestones file is invalid (wraps the state package's MILESTONES_INVALID). */
  | 'MILESTONES_INVALID'
  /** Another live orchestrator holds the state file (the message names its pid). */
  | 'STATE_LOCKED'
  /**
   * This run lost its lease on the state file while running (the lock file was removed or
   * replaced): it stopped its workers and wrote nothing after noticing.
   */
  | 'LEASE_LOST'
  /** The state was written for a plan of another project name (see the `replan` option). */
  | 'PLAN_MISMATCH'
  /**
   * The run could not go on for a reason outside its tasks (the logs folder cannot be written):
   * it started nothing more, and the tasks it could not start stay pending.
   */
  | 'ENVIRONMENT'
  /** The state file or its journal could not be read, recovered or written (`cause` has the detail). */
  | 'STATE_ERROR'
  /** A method that needs the state was called before `init()`/`run()`. */
  | 'NOT_INITIALIZED'
  /** `run()` while a run is already in progress. */
  | 'ALREADY_RUNNING'
  /** `startWorker(id)` / `reset(id)` with an ID the plan does not have. */
  | 'UNKNOWN_TASK'
  /** `startWorker(id)` for a task that is not ready (status, dependencies, scheduled retry). */
  | 'TASK_NOT_READY'
  /** `startWorker(id)` while all `maxWorkers` slots are busy. */
  | 'NO_FREE_SLOT'
  /** `startWorker(id)` after `stop()`, a fail-fast stop or an exhausted budget. */
  | 'NOT_ACCEPTING';

export interface OrchestratorDiagnostic {
  code: string;
  message: string;
  line: number;
  column: number;
  file?: string;
}

export class OrchestratorError extends Error {
  override readonly name = 'OrchestratorError';
  readonly code: OrchestratorErrorCode;
  /** The file the error is about, when there is one. */
  readonly file?: string;
  /** For CASCADE_INVALID / MILESTONES_INVALID: every problem found, with line and column. */
  readonly diagnostics: OrchestratorDiagnostic[];
  /** For STATE_LOCKED: the pid of the orchestrator holding the state. */
  readonly holderPid?: number;

  constructor(
    code: OrchestratorErrorCode,
    message: string,
    options: {
      cause?: unknown;
      file?: string;
      diagnostics?: OrchestratorDiagnostic[];
      holderPid?: number;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.file !== undefined) this.file = options.file;
    this.diagnostics = options.diagnostics ?? [];
    if (options.holderPid !== undefined) this.holderPid = options.holderPid;
  }
}

/** A state package error (or anything thrown while writing the state) as an OrchestratorError. */
export function fromStateError(e: unknown): OrchestratorError {
  if (e instanceof OrchestratorError) return e;
  if (e instanceof StateError) {
    const code =
      e.code === 'STATE_LOCKED'
        ? 'STATE_LOCKED'
        : e.code === 'LEASE_LOST'
          ? 'LEASE_LOST'
          : 'STATE_ERROR';
    return new OrchestratorError(code, e.message, {
      cause: e,
      ...(e.file ? { file: e.file } : {}),
      ...(e.holderPid !== undefined ? { holderPid: e.holderPid } : {}),
    });
  }
  const text = e instanceof Error ? e.message : String(e);
  return new OrchestratorError('STATE_ERROR', `cannot write the state: ${text}`, { cause: e });
}

export function isOrchestratorError(value: unknown): value is OrchestratorError {
  return value instanceof OrchestratorError;
}
