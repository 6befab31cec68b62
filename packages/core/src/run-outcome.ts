/** How a run ended. Recorded in the state (`project.outcome`) and reported by `nova run`. */
export const RUN_OUTCOMES = [
  /** Every task completed. */
  'completed',
  /** Tasks failed (or are blocked) and nothing else could start. */
  'failed',
  /** Stopped by a signal or `stop()`; running tasks went back to pending. */
  'interrupted',
  /** A task failed with fail-fast on: nothing new was started after it. */
  'fail_fast',
  /** The cost budget was spent: nothing new was started after that. */
  'budget_exhausted',
  /** The iteration limit of a library run was reached. */
  'max_iterations',
  /**
   * Stopped for a problem outside the tasks (the logs folder cannot be written): nothing more was
   * started and the tasks not run stay pending.
   */
  'aborted',
] as const;

export type RunOutcome = (typeof RUN_OUTCOMES)[number];
