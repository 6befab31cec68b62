/** Failure codes of @program-nova/transcript. Reading a log never fails; only options can be wrong. */
export type TranscriptErrorCode = 'E_INVALID_OPTION';

/** The one error class of the package; `code` is stable, the message names the option. */
export class TranscriptError extends Error {
  readonly code: TranscriptErrorCode;

  constructor(code: TranscriptErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TranscriptError';
    this.code = code;
  }
}
