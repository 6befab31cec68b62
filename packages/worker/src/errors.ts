import type { FailureKind } from '@program-nova/core';
import type { WorkerErrorCode, WorkerFailure } from './types.js';

/** The state's failure kind for each error code. */
export const FAILURE_KIND_OF: Readonly<Record<WorkerErrorCode, FailureKind>> = Object.freeze({
  EXIT_CODE: 'exit_code',
  SIGNAL: 'signal',
  TIMEOUT: 'timeout',
  INACTIVITY_TIMEOUT: 'inactivity',
  OUTPUT_CAP: 'output_cap',
  COMMAND_NOT_FOUND: 'command_not_found',
  SPAWN_FAILED: 'spawn_error',
  AGENT_ERROR: 'agent_error',
  USAGE_LIMIT: 'usage_limit',
  TERMINATED: 'interrupted',
  // The worker host process died under a running task: Nova's failure, not the task's.
  HOST_EXITED: 'interrupted',
  // The log could not be created, so the task was not run: not an attempt, back to pending.
  LOG_UNAVAILABLE: 'interrupted',
});

/** Failures of the machine rather than the task (see WorkerFailure.environment). */
const ENVIRONMENT: ReadonlySet<WorkerErrorCode> = new Set(['LOG_UNAVAILABLE']);

/** Failures that the same command cannot fix by running again. */
const NOT_RETRYABLE: ReadonlySet<WorkerErrorCode> = new Set([
  'COMMAND_NOT_FOUND',
  'SPAWN_FAILED',
  'TERMINATED',
]);

export interface WorkerErrorFields {
  exitCode?: number | null;
  signal?: string | null;
  timedOut?: boolean;
  resetAt?: string | null;
  stderrTail?: string;
  retryable?: boolean;
  environment?: boolean;
  path?: string | null;
  errno?: string | null;
  cause?: unknown;
}

/** Why a worker did not succeed. `code` is stable; `message` is written for a person. */
export class WorkerError extends Error implements WorkerFailure {
  override readonly name = 'WorkerError';
  readonly code: WorkerErrorCode;
  readonly kind: FailureKind;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly resetAt: string | null;
  readonly stderrTail: string;
  readonly retryable: boolean;
  readonly environment: boolean;
  readonly path: string | null;
  readonly errno: string | null;

  constructor(code: WorkerErrorCode, message: string, fields: WorkerErrorFields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.code = code;
    this.kind = FAILURE_KIND_OF[code];
    this.exitCode = fields.exitCode ?? null;
    this.signal = fields.signal ?? null;
    this.timedOut = fields.timedOut ?? (code === 'TIMEOUT' || code === 'INACTIVITY_TIMEOUT');
    this.resetAt = fields.resetAt ?? null;
    this.stderrTail = fields.stderrTail ?? '';
    this.retryable = fields.retryable ?? !NOT_RETRYABLE.has(code);
    this.environment = fields.environment ?? ENVIRONMENT.has(code);
    this.path = fields.path ?? null;
    this.errno = fields.errno ?? null;
  }

  /** A plain object (for JSON output and logs): the message and every field. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      kind: this.kind,
      message: this.message,
      exitCode: this.exitCode,
      signal: this.signal,
      timedOut: this.timedOut,
      resetAt: this.resetAt,
      stderrTail: this.stderrTail,
      retryable: this.retryable,
      environment: this.environment,
      path: this.path,
      errno: this.errno,
    };
  }
}
