/**
 * The run's clocks: a timer per task whose retry (or usage-limit requeue) is due later, and the
 * end of the pause of new starts after a usage limit (which pause holds is the engine's call). Timers run on a monotonic clock and may fire a little
 * before the wall clock reaches their instant; each one re-arms itself until it really is due.
 */
export class Timers {
  readonly #retries = new Map<string, NodeJS.Timeout>();
  #pausedUntil = 0;
  #pauseTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly onRetryDue: (id: string) => void,
    private readonly onPauseOver: () => void,
  ) {}

  /**
   * New starts wait until `until`, which replaces the current pause, earlier or later (the
   * caller's pause rules decide which wins). An instant already past ends the pause at once.
   */
  pause(until: number): void {
    this.#pausedUntil = until;
    this.#armPause();
  }

  #armPause(): void {
    if (this.#pauseTimer) clearTimeout(this.#pauseTimer);
    this.#pauseTimer = setTimeout(
      () => {
        this.#pauseTimer = null;
        if (Date.now() < this.#pausedUntil) return this.#armPause();
        this.onPauseOver();
      },
      Math.max(0, this.#pausedUntil - Date.now()) + 1,
    );
  }

  /** `id` may start again at `at` (epoch ms). */
  retryAt(id: string, at: number): void {
    const old = this.#retries.get(id);
    if (old) clearTimeout(old);
    this.#retries.set(
      id,
      setTimeout(
        () => {
          if (Date.now() < at) return this.retryAt(id, at);
          this.#retries.delete(id);
          this.onRetryDue(id);
        },
        Math.max(0, at - Date.now()) + 1,
      ),
    );
  }

  get retriesPending(): boolean {
    return this.#retries.size > 0;
  }

  clearRetries(): void {
    for (const t of this.#retries.values()) clearTimeout(t);
    this.#retries.clear();
  }

  clear(): void {
    this.clearRetries();
    if (this.#pauseTimer) clearTimeout(this.#pauseTimer);
    this.#pauseTimer = null;
  }
}
