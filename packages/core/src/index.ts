/**
 * @program-nova/core: the vocabulary every Program Nova package shares. A leaf: it depends on
 * nothing and uses no Node APIs, so the dashboard bundles it too.
 */
export { maskCredentials } from './credentials.js';
export { editDistance } from './edit-distance.js';
export type { FailureKind } from './failure-kind.js';
export { FAILURE_KINDS, isFailureKind } from './failure-kind.js';
export {
  clip,
  firstLine,
  formatBytes,
  formatClock,
  formatCost,
  formatDuration,
  formatPause,
  formatPauseDetail,
  formatPercent,
  formatTokens,
  oneLine,
  reasonLine,
  tailLines,
  UNKNOWN,
} from './format.js';
export { earlierLogFileName, logFileName } from './log-file-name.js';
export { RUN_OUTCOMES, type RunOutcome } from './run-outcome.js';
export { splitCommand } from './split-command.js';
export { isTaskId, TASK_ID_PATTERN, TASK_ID_PATTERN_TEXT } from './task-id.js';
export { expandTemplate, expandText, type TemplateValues } from './template.js';
export type { TokenUsage } from './token-usage.js';
export {
  addUsage,
  addUsageInto,
  totalTokens,
  usageIsZero,
  zeroUsage,
} from './token-usage.js';
