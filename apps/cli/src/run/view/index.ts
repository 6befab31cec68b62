/**
 * What `nova run` shows while it runs. Two views over the same orchestrator events:
 * - PlainView: one line per event (pipes, CI logs, tests);
 * - LiveView: a block redrawn in place on a terminal (progress bar, running tasks with elapsed time
 *   and tokens, recent completions and failures, cost so far), with failures, milestones and
 *   warnings printed above it as permanent lines.
 */
export type { RunSource, RunView } from './base-view.js';
export { LiveView } from './live-view.js';
export { PlainView } from './plain-view.js';
