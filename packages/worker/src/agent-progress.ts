/**
 * The agent's progress as it happens: its stdout goes through the usage tracker, and what changed
 * is reported as the worker's `init`, `tokens` and `activity` events (the last two throttled).
 */
import { type Throttled, throttle } from './throttle.js';
import type { AgentOutputSummary, UsageTracker, WorkerEvents } from './types.js';
import { createUsageTracker } from './usage.js';

export type EmitEvent = <E extends keyof WorkerEvents>(event: E, ...args: WorkerEvents[E]) => void;

export interface AgentProgressOptions {
  maxLineBytes: number;
  intervalMs: number;
  emit: EmitEvent;
  /** The agent's `result` event arrived (called once). */
  onResult: () => void;
}

export class AgentProgress {
  readonly #tracker: UsageTracker;
  readonly #emit: EmitEvent;
  readonly #onResult: () => void;
  readonly #tokens: Throttled;
  readonly #activity: Throttled;
  #initSent = false;
  #resultSent = false;
  #lastActivity: string | null = null;

  constructor(o: AgentProgressOptions) {
    this.#tracker = createUsageTracker({ maxLineBytes: o.maxLineBytes });
    this.#emit = o.emit;
    this.#onResult = o.onResult;
    this.#tokens = throttle(() => this.reportTokens(), o.intervalMs);
    this.#activity = throttle(() => {
      if (this.#lastActivity !== null) this.#emit('activity', this.#lastActivity);
    }, o.intervalMs);
  }

  /** The next stdout bytes. */
  push(chunk: Uint8Array): void {
    if (chunk.length > 0 && this.#tracker.push(chunk)) this.#changed();
  }

  /** Stdout ended: the last unterminated line is parsed, pending activity reported, tokens not. */
  end(): void {
    if (this.#tracker.end()) this.#changed();
    this.#tokens.cancel();
    this.#activity.flush();
  }

  summary(): AgentOutputSummary {
    return this.#tracker.summary();
  }

  /** A `tokens` event with the figures as they are now. */
  reportTokens(): void {
    const s = this.#tracker.summary();
    this.#emit('tokens', { usage: s.usage, costUsd: s.costUsd, model: s.model });
  }

  #changed(): void {
    const s = this.#tracker.summary();
    if (!this.#initSent && (s.sessionId !== null || s.model !== null)) {
      this.#initSent = true;
      this.#emit('init', { model: s.model, sessionId: s.sessionId });
    }
    this.#tokens.call();
    const step = this.#tracker.lastActivity();
    if (step !== null && step !== this.#lastActivity) {
      this.#lastActivity = step;
      this.#activity.call();
    }
    if (s.result !== null && !this.#resultSent) {
      this.#resultSent = true;
      this.#onResult();
    }
  }
}
