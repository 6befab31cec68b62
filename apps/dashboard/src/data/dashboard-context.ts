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

/** Rollups of snapshots with nothing running: they do not change with the clock, so one per snapshot. */
const idleRollups = new WeakMap<Model, ProjectRollup>();

export function createDashboardData(model: Model, now: Date): DashboardData {
  let cached: ProjectRollup | null = null;
  return {
    model,
    now,
    rollup() {
      if (cached) return cached;
      if (model.summary.inProgress === 0) {
        cached = idleRollups.get(model) ?? rollup(model.state, { now });
        idleRollups.set(model, cached);
      } else {
        cached = rollup(model.state, { now });
      }
      return cached;
    },
  };
}
