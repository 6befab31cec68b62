import type { Diagnostic, Warning } from './types.js';

/**
 * Why a CascadeError was thrown:
 * - `E_INVALID_CASCADE`: the plan has problems; every one is in `diagnostics`.
 * - `E_FILE_NOT_FOUND` / `E_READ_FAILED`: parseCascadeFile could not read the file.
 * - `E_CYCLE`: a graph helper was asked for an order over a graph that has a cycle.
 */
export type CascadeErrorCode =
  | 'E_INVALID_CASCADE'
  | 'E_FILE_NOT_FOUND'
  | 'E_READ_FAILED'
  | 'E_CYCLE';

export interface CascadeErrorOptions {
  diagnostics?: Diagnostic[];
  file?: string;
  cause?: unknown;
  cycles?: string[][];
  warnings?: Warning[];
}

/** The one error class of @program-nova/parser. */
export class CascadeError extends Error {
  override readonly name = 'CascadeError';
  readonly code: CascadeErrorCode;
  /** Every problem found, in source order (empty for file errors). */
  readonly diagnostics: Diagnostic[];
  readonly file?: string;
  /** For `E_CYCLE` (and an invalid plan with cycles): each cycle as a path, first ID repeated last. */
  readonly cycles?: string[][];
  /** For `E_INVALID_CASCADE`: the warnings found along with the errors. */
  readonly warnings?: Warning[];

  constructor(code: CascadeErrorCode, message: string, options: CascadeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.diagnostics = options.diagnostics ?? [];
    if (options.file !== undefined) this.file = options.file;
    if (options.cycles !== undefined) this.cycles = options.cycles;
    if (options.warnings !== undefined) this.warnings = options.warnings;
  }
}
