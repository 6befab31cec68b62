/**
 * A bounded first-in-first-out queue worked one item at a time: what one hook command or one
 * webhook URL gets, so its deliveries happen in event order and never overlap. A full queue drops
 * its oldest item (a stuck receiver must not grow memory for the length of a run).
 */
import { formatDuration } from '@program-nova/core';

export interface SerialQueueOptions<T> {
  limit: number;
  /** Handles one item; must not reject. `signal` aborts when the queue is stopped. */
  handle: (item: T, signal: AbortSignal) => Promise<void>;
  /** Called for each item dropped because the queue was full. */
  onDrop: (item: T) => void;
}

export class SerialQueue<T> {
  private readonly items: T[] = [];
  private head = 0;
  private running = false;
  private controller = new AbortController();
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: SerialQueueOptions<T>) {}

  /** Items waiting, not counting the one being handled. */
  get pending(): number {
    return this.items.length - this.head;
  }

  get busy(): boolean {
    return this.running;
  }

  push(item: T): void {
    if (this.pending >= this.options.limit) {
      const dropped = this.items[this.head] as T;
      this.items[this.head++] = undefined as T;
      this.options.onDrop(dropped);
    }
    this.items.push(item);
    if (!this.running) void this.work();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (!this.running && this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops what is queued and aborts what is running; returns how many items that was. */
  stop(): number {
    const n = this.pending + (this.running ? 1 : 0);
    this.items.length = 0;
    this.head = 0;
    this.controller.abort();
    this.controller = new AbortController();
    return n;
  }

  private async work(): Promise<void> {
    this.running = true;
    while (this.pending > 0) {
      const item = this.items[this.head] as T;
      this.items[this.head++] = undefined as T;
      // Compacted now and then so that a long run does not keep a sparse array of every event.
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      await this.options.handle(item, this.controller.signal);
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** What drainWithin needs of a queue, whatever its items. */
export interface Drainable {
  idle(): Promise<void>;
  stop(): number;
}

/**
 * Waits for every queue to be idle, at most `withinMs` and no longer than `signal` allows; then
 * stops them all. Returns how many items were dropped or aborted (0 when everything finished in
 * time).
 */
export async function drainWithin(
  queues: readonly Drainable[],
  withinMs: number,
  signal?: AbortSignal,
) {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const timedOut = new Promise<true>((resolve) => {
    timer = setTimeout(() => resolve(true), signal?.aborted ? 0 : withinMs);
    onAbort = () => resolve(true);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  const done = await Promise.race([Promise.all(queues.map((q) => q.idle())), timedOut]);
  clearTimeout(timer);
  if (onAbort) signal?.removeEventListener('abort', onAbort);
  if (done !== true) return 0;
  let stopped = 0;
  for (const q of queues) stopped += q.stop();
  // What was running was aborted: let it finish its clean-up (a process group killed) first.
  await Promise.all(queues.map((q) => q.idle()));
  return stopped;
}

/** How a drain that stopped work ended, for the sink's one warning: `10s after the run ended`. */
export function drainEnd(withinMs: number, signal: AbortSignal | undefined): string {
  return signal?.aborted
    ? 'when the wait was cut short'
    : `${formatDuration(withinMs)} after the run ended`;
}

/** `fn` on its first call only: a queue that keeps overflowing is reported once. */
export function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
