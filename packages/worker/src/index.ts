export type { WorkerErrorFields } from './errors.js';
export { FAILURE_KIND_OF, WorkerError } from './errors.js';
export type { WorkerHost, WorkerHostOptions } from './host/worker-host.js';
export { createWorkerHost } from './host/worker-host.js';
export { isProcessAlive, killProcessGroup, reapProcessGroup } from './process-group.js';
export { buildPrompt } from './prompt.js';
export { parseResetTime } from './reset-time.js';
export {
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_MAX_LOG_BYTES,
  DEFAULT_PROGRESS_INTERVAL_MS,
  DEFAULT_RESULT_GRACE_MS,
  startWorker,
} from './start-worker.js';
export {
  DEFAULT_COMMAND,
  DEFAULT_MODEL,
  DEFAULT_STDIN,
  expandTemplate,
  expandText,
} from './template.js';
export type * from './types.js';
export { createUsageTracker, detectUsageLimit, parseAgentOutput } from './usage.js';
