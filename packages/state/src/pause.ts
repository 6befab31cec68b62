import type { CascadeState, RunPause } from './types.js';

/**
 * The pause of new starts the state records, while it holds at `now`; null when none is recorded
 * or its time has passed (the run that made it may have ended without clearing it: a crash).
 */
export function pauseOf(state: CascadeState, now: Date = new Date()): RunPause | null {
  const { paused_until: until, pause_reason: reason, pause_task: task } = state.project;
  if (until === undefined || until === null || !(Date.parse(until) > now.getTime())) return null;
  return { until, reason: reason ?? 'paused', task: task ?? null };
}
