/**
 * The one error class of the CLI itself. `code` is stable; `exitCode` is what `nova` exits with.
 * Errors from the packages keep their own classes; core/describe-error.ts maps them to messages.
 */
export type CliErrorCode =
  /** Bad arguments: unknown command or option, missing or conflicting values. */
  | 'E_USAGE'
  /** A file or value given on the command line is not usable. */
  | 'E_INVALID_INPUT'
  /** Tasks failed or are blocked. */
  | 'E_TASKS_FAILED'
  /** Ctrl-C / SIGTERM. */
  | 'E_INTERRUPTED';

export const EXIT = {
  ok: 0,
  tasksFailed: 1,
  invalid: 2,
  interrupted: 130,
} as const;

const EXIT_BY_CODE: Record<CliErrorCode, number> = {
  E_USAGE: EXIT.invalid,
  E_INVALID_INPUT: EXIT.invalid,
  E_TASKS_FAILED: EXIT.tasksFailed,
  E_INTERRUPTED: EXIT.interrupted,
};

export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: CliErrorCode;
  readonly exitCode: number;
  /** For usage errors: the command whose `--help` to point at. */
  readonly command?: string;

  constructor(
    code: CliErrorCode,
    message: string,
    options: { command?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = EXIT_BY_CODE[code];
    if (options.command !== undefined) this.command = options.command;
  }
}
