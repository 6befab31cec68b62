export type StateErrorCode =
  | 'STATE_NOT_FOUND'
  | 'STATE_EMPTY'
  | 'STATE_CORRUPT'
  | 'STATE_INVALID'
  | 'STATE_SCHEMA'
  | 'STATE_READ_FAILED'
  | 'STATE_WRITE_FAILED'
  | 'STATE_CLOSED'
  | 'JOURNAL_CORRUPT'
  | 'STATE_LOCKED'
  | 'LEASE_LOST'
  | 'MILESTONES_INVALID'
  | 'UNKNOWN_TASK'
  | 'INVALID_TRANSITION';

export interface StateErrorOptions {
  file?: string;
  line?: number;
  field?: string;
  holderPid?: number;
  cause?: unknown;
  /** Every problem found, when several are reported at once (milestones.yaml). */
  problems?: { line: number; message: string }[];
}

/**
 * The one error class of @program-nova/state. `code` is stable; `message` is written for the user and
 * already names the file, line or field when there is one.
 */
export class StateError extends Error {
  override name = 'StateError';
  readonly code: StateErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;
  readonly holderPid?: number;
  readonly problems?: { line: number; message: string }[];

  constructor(code: StateErrorCode, message: string, options: StateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.file !== undefined) this.file = options.file;
    if (options.line !== undefined) this.line = options.line;
    if (options.field !== undefined) this.field = options.field;
    if (options.holderPid !== undefined) this.holderPid = options.holderPid;
    if (options.problems !== undefined) this.problems = options.problems;
  }
}
