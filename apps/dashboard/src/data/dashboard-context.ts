import { type ProjectRollup, rollup } from '@program-nova/state';
import { createContext, useContext } from 'react';
import { type Derived, rollupRefreshMs } from './derive.js';
import type { Model } from './model.js';

export interface DashboardData {
  model: Model;
  /** The clock durations are shown at (stopped when the run cannot be followed any more). */
  now: Date;
  /** The project -> branch -> group rollup at about `now`. */
  rollup(): ProjectRollup;
}

export const DashboardContext = createContext<DashboardData | null>(null);

export function useDashboard(): DashboardData {
  const data = useContext(DashboardContext);
  if (!data) throw new Error('useDashboard outside DashboardContext');
  return data;
}

/**
 * Rollups per snapshot when they are computed here (no worker): with nothing running a rollup does
 * not change with the clock, one per snapshot; while tasks run it is recomputed as the clock ticks,
 * on big plans at most every few seconds.
 */
const rollups = new WeakMap<Model, { at: number; value: ProjectRollup }>();

export function createDashboardData(
  model: Model,
  now: Date,
  derived: Derived | null = null,
): DashboardData {
  let cached: ProjectRollup | null = derived?.rollup ?? null;
  return {
    model,
    now,
    rollup() {
      if (cached) return cached;
      const hit = rollups.get(model);
      const live = model.summary.inProgress > 0;
      if (hit && (!live || now.getTime() - hit.at < localRefreshMs(model.ids.length))) {
        cached = hit.value;
      } else {
        cached = rollup(model.state, { now });
        rollups.set(model, { at: now.getTime(), value: cached });
      }
      return cached;
    },
  };
}

function localRefreshMs(taskCount: number): number {
  return rollupRefreshMs(taskCount) === 1000 ? 0 : rollupRefreshMs(taskCount);
}
