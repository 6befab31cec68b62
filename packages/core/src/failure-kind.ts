/** Why an attempt did not complete. Stored in a task's `failure_kind`; the list is append-only. */
export const FAILURE_KINDS = [
  /** The process exited non-zero. */
  'exit_code',
  /** The process was killed by a signal nobody in Nova sent. */
  'signal',
  /** Wall-clock timeout. */
  'timeout',
  /** No output for too long. */
  'inactivity',
  /** Printed more than the log byte cap. */
  'output_cap',
  /** The agent binary is missing (not retried). */
  'command_not_found',
  /** Any other failure to start the process. */
  'spawn_error',
  /** Exit 0, but the agent's result said it failed. */
  'agent_error',
  /** The agent hit a usage or rate limit (requeued, not counted as an attempt). */
  'usage_limit',
  /** Nova stopped it (Ctrl-C, SIGTERM, a reaped attempt of a dead run); back to pending. */
  'interrupted',
  /**
   * Its dependencies' work could not be merged into its worktree (conflicting changes): no agent
   * ran. Not retried until the conflict is resolved on its branch (`nova retry`).
   */
  'merge_conflict',
  /** The agent exited 0 but the verify command failed: retried with the verify output. */
  'verify_failed',
  /**
   * The machine running it stopped answering (a queue worker killed or cut off: its job stalled).
   * Not the task's fault: when the queue put the job back it runs again at once without counting
   * as an attempt; once the queue gives up on it, it counts like any failure.
   */
  'worker_lost',
] as const;

export type FailureKind = (typeof FAILURE_KINDS)[number];

export function isFailureKind(value: unknown): value is FailureKind {
  return typeof value === 'string' && (FAILURE_KINDS as readonly string[]).includes(value);
}
