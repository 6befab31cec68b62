/** Which run an event belongs to. */
export interface NotifyRun {
  /** The plan's project name. */
  project: string;
  /** Absolute path of the run's state file. */
  state: string;
}

/**
 * One event as every sink gets it: a plain, JSON-serialisable object. `type` is one of
 * NOTIFY_EVENTS; the payload fields sit beside `type`, `at` and `run` (`id`, `name`, `status`,
 * `error`, ... as the event has them).
 */
export interface NotifyEvent {
  type: string;
  /** When it happened (ISO 8601). */
  at: string;
  run: NotifyRun;
  [field: string]: unknown;
}

/** Codes of the warnings a notifier reports (it never throws once created). */
export type NotifyWarningCode =
  | 'HOOK_FAILED'
  | 'HOOK_TIMEOUT'
  | 'HOOK_DROPPED'
  | 'WEBHOOK_FAILED'
  | 'WEBHOOK_DROPPED'
  | 'NOTIFY_UNAVAILABLE'
  | 'NOTIFY_FAILED';

export interface NotifyWarning {
  code: NotifyWarningCode;
  /** One line, naming the hook command or the webhook URL (without credentials or query). */
  message: string;
}

export type WarningListener = (warning: NotifyWarning) => void;

/** What each kind of notification is to the notifier. */
export interface Sink {
  /** Queues the event; returns at once. */
  send(event: NotifyEvent): void;
  /**
   * Resolves once everything queued is done, or after `withinMs`: then what is still running is
   * stopped, what is queued is dropped, and that is reported as one warning. An aborted `signal`
   * ends the wait at once, the same way. Never rejects.
   */
  flush(withinMs: number, signal?: AbortSignal): Promise<void>;
}
