/**
 * Redis keys Nova adds beside BullMQ's own, all under the queue's prefix so one Redis serves many
 * projects: the cancel set and channel (the orchestrator asks a worker to stop a job), and one
 * stream per job carrying the attempt's output to the orchestrator's log file.
 */
export interface NovaKeys {
  /** Set of job ids the orchestrator wants stopped. */
  cancelSet: string;
  /** Pub/sub channel announcing a new entry in cancelSet (the job id as message). */
  cancelChannel: string;
  /** Stream of a job's output chunks. */
  log(jobId: string): string;
}

export function novaKeys(prefix: string, queue: string): NovaKeys {
  const base = `${prefix}:${queue}:nova`;
  return {
    cancelSet: `${base}:cancel`,
    cancelChannel: `${base}:cancel-channel`,
    log: (jobId) => `${base}:log:${jobId}`,
  };
}

/** BullMQ's default key prefix, kept so other BullMQ tools see the queue. */
export const DEFAULT_PREFIX = 'bull';
