/**
 * The run's clocks: a timer per task whose retry (or usage-limit requeue) is due later, and the
 * end of the pause of new starts after a usage limit (which pause holds is the engine's call).
 * Timers run on a monotonic clock and may fire a little before the wall clock reaches their
 * instant; each one re-arms itself until it really is due (`fireAt`).
 */

/** Calls `fire` once the wall clock reaches `at`; `armed` gets each timeout set, to clear it. */
function fireAt(at: number, fire: () => void, armed: (timer: NodeJS.Timeout) => void): void {
  armed(
    setTimeout(
      () => (Date.now() < at ? fireAt(at, fire, armed) : fire()),
      Math.max(0, at - Date.now()) + 1,
    ),
  );
}

export class Timers {
  readonly #retries = new Map<string, NodeJS.Timeout>();
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
    if (this.#pauseTimer) clearTimeout(this.#pauseTimer);
    fireAt(
      until,
      () => {
        this.#pauseTimer = null;
        this.onPauseOver();
      },
      (timer) => {
        this.#pauseTimer = timer;
      },
    );
  }

  /** `id` may start again at `at` (epoch ms). */
  retryAt(id: string, at: number): void {
    const old = this.#retries.get(id);
    if (old) clearTimeout(old);
    fireAt(
      at,
      () => {
        this.#retries.delete(id);
        this.onRetryDue(id);
      },
      (timer) => this.#retries.set(id, timer),
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
