/**
 * Codes of the NotifyError thrown for bad settings (at creation, before any event is sent). What
 * goes wrong while delivering is never thrown: it is a NotifyWarning (see types.ts).
 */
export type NotifyErrorCode = 'E_UNKNOWN_EVENT' | 'E_INVALID_HOOK' | 'E_INVALID_WEBHOOK';

/** The one error class of the package; `code` is stable, the message names the bad value. */
export class NotifyError extends Error {
  readonly code: NotifyErrorCode;

  constructor(code: NotifyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotifyError';
    this.code = code;
  }
}
