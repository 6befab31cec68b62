/**
 * @program-nova/state: the cascade_state.json document (types, validation), the transitions that
 * change it, and the pure derivations the CLI and the dashboard share. Browser-safe: nothing here
 * (or in what it imports) uses Node built-ins; the file store is the separate `./store` entry.
 */
export { applyTransition } from './apply.js';
export { blockedBy, isBlocked, summarize } from './blocked.js';
export type { CreateStateOptions } from './create.js';
export { createState, planTransition, reconcile } from './create.js';
export { graphNodes } from './document.js';
export type { StateErrorCode, StateErrorOptions } from './errors.js';
export { StateError } from './errors.js';
export type { ParseMilestonesOptions } from './milestones.js';
export { evaluateMilestones, parseMilestones } from './milestones.js';
export { pauseOf } from './pause.js';
export { costOf, DEFAULT_PRICING, priceOf, taskCost } from './pricing.js';
export type { RollupOptions } from './rollup.js';
export { elapsedSeconds, rollup } from './rollup.js';
export type * from './types.js';
export type { ValidateOptions } from './validate.js';
export { parseStateText, validateState } from './validate.js';
