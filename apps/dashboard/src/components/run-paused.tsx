import { formatPause } from '@program-nova/core';
import { type CascadeState, pauseOf } from '@program-nova/state';
import type { RunPhase } from '../data/labels.js';

/**
 * "Paused until 14:05 (in 12m): usage limit reported by API-03" in the header while a live run
 * holds a usage-limit pause: the same sentence `nova status` and `nova run` print. A pause left
 * in the state by a run that is gone holds nothing, so it is not shown.
 */
export function RunPaused({
  state,
  phase,
  now,
}: {
  state: CascadeState;
  phase: RunPhase;
  now: Date;
}) {
  if (phase.kind !== 'running') return null;
  const pause = pauseOf(state, now);
  if (!pause) return null;
  return (
    <span className="run-paused" data-testid="run-paused" role="status">
      {formatPause(pause, now.getTime())}
    </span>
  );
}
