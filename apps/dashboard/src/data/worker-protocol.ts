import type { PollSnapshot } from './poller.js';

/** Messages from the page to its state worker. */
export type ToWorker =
  | { type: 'start'; url: string; intervalMs: number; visible: boolean }
  | { type: 'visible'; visible: boolean }
  /** The page could not apply a document: send the whole state next. */
  | { type: 'resync' }
  | { type: 'stop' };

/** From the worker: the snapshot's facts, and the feed document applied (null: state unchanged). */
export type FromWorker = { type: 'snapshot'; facts: Omit<PollSnapshot, 'state'>; doc: unknown };
