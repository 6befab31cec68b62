// Kept for programs that took it from here; it lives in @program-nova/core.
export { splitCommand } from '@program-nova/core';
export { backoffDelay } from './backoff.js';
export {
  isOrchestratorError,
  type OrchestratorDiagnostic,
  OrchestratorError,
  type OrchestratorErrorCode,
} from './errors.js';
export type {
  MilestoneEvent,
  OrchestratorEvents,
  RunOutcome,
  RunPausedEvent,
  RunResult,
  TaskBlockedEvent,
  TaskCompletedEvent,
  TaskFailedEvent,
  TaskInterruptedEvent,
  TaskRetryingEvent,
  TaskStartedEvent,
  TaskTokensEvent,
  WarningEvent,
} from './events.js';
export type {
  Execution,
  ExecutionEvents,
  ExecutionFailure,
  ExecutionOutcome,
  ExecutionSuccess,
  ExecutionTokens,
  Executor,
  ReapResult,
  RecordedAttempt,
  TaskRunSpec,
} from './executor.js';
export { failureOutcome } from './executor.js';
export { LocalExecutor, type LocalExecutorOptions } from './local-executor.js';
export {
  Orchestrator,
  type OrchestratorOptions,
  type RunOptions,
  type StopOptions,
} from './orchestrator.js';
export { toOutcome as outcomeOfWorkerResult } from './worker-outcome.js';
