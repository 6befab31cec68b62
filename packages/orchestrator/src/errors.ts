/**
 * The one error class of @program-nova/orchestrator. `code` is stable and meant for programs;
 * `message` is meant for people and names the file (and line, when there is one).
 */
export type OrchestratorErrorCode =
  /** An option is missing or out of range (e.g. `maxWorkers: 0`). */
  | 'INVALID_OPTIONS'
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

export function isOrchestratorError(value: unknown): value is OrchestratorError {
  return value instanceof OrchestratorError;
}
