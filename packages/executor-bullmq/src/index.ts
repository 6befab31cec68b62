export { BullmqExecutor, type BullmqExecutorOptions } from './bullmq-executor.js';
export {
  BullmqExecutorError,
  type BullmqExecutorErrorCode,
  isBullmqExecutorError,
} from './errors.js';
export {
  type JobProgress,
  type JobTask,
  jobIdOf,
  type NovaJobData,
  queueNameOf,
  readJobData,
} from './job-data.js';
export { NovaWorker, type NovaWorkerEvents, type NovaWorkerOptions } from './nova-worker.js';
export { maskCredentials, parseRedisUrl, type RedisTarget } from './redis-url.js';
