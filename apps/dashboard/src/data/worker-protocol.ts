import type { PollSnapshot } from './poller.js';

/** Messages from the page to its state worker. */
export type ToWorker =
  | { type: 'start'; url: string; intervalMs: number; visible: boolean }
  | { type: 'visible'; visible: boolean }
  /** The page could not apply a document: send the whole state next. */
  | { type: 'resync' }
  | { type: 'stop' };

/**
 * From the worker: the text of a whole state as soon as it arrives (the page parses it while the
 * worker derives), then the snapshot's facts with the feed document applied: null when the state
 * did not change, `'whole'` when it is the whole state sent just before.
 */
export type FromWorker =
  | { type: 'whole'; text: string }
  | { type: 'snapshot'; facts: Omit<PollSnapshot, 'state'>; doc: unknown };
