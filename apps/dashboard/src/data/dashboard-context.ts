import { type ProjectRollup, rollup } from '@program-nova/state';
import { createContext, useContext } from 'react';
import type { Model } from './model.js';

export interface DashboardData {
  model: Model;
  now: Date;
  /** The project -> branch -> group rollup at `now` (computed on first use per tick). */
  rollup(): ProjectRollup;
}

export const DashboardContext = createContext<DashboardData | null>(null);

export function useDashboard(): DashboardData {
  const data = useContext(DashboardContext);
  if (!data) throw new Error('useDashboard outside DashboardContext');
  return data;
}

/**
 * Rollups per snapshot. With nothing running a rollup does not change with the clock: one per
 * snapshot. While tasks run it is recomputed as the clock ticks, but on big plans (where one rollup
 * costs tens of milliseconds) at most every few seconds, so the page stays responsive; per-task
 * durations in tables and the task view still tick every second.
 */
const rollups = new WeakMap<Model, { at: number; value: ProjectRollup }>();

export function rollupRefreshMs(taskCount: number): number {
  return taskCount > 2000 ? 5000 : taskCount > 500 ? 2000 : 0;
}

export function createDashboardData(model: Model, now: Date): DashboardData {
  let cached: ProjectRollup | null = null;
  return {
    model,
    now,
    rollup() {
      if (cached) return cached;
      const hit = rollups.get(model);
      const live = model.summary.inProgress > 0;
      if (hit && (!live || now.getTime() - hit.at < rollupRefreshMs(model.ids.length))) {
        cached = hit.value;
      } else {
        cached = rollup(model.state, { now });
        rollups.set(model, { at: now.getTime(), value: cached });
      }
      return cached;
    },
  };
}
