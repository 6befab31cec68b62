/** Failure codes of the dashboard server module. */
export type DashboardServerErrorCode =
  | 'E_APP_NOT_BUILT'
  | 'E_LISTEN'
  | 'E_TOKEN_REQUIRED'
  | 'E_TOKEN_INVALID';

/** The one error class of the dashboard server; `code` is stable, the message names the path or address. */
export class DashboardServerError extends Error {
  readonly code: DashboardServerErrorCode;

  constructor(code: DashboardServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DashboardServerError';
    this.code = code;
  }
}
