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

export function createDashboardData(model: Model, now: Date): DashboardData {
  let cached: ProjectRollup | null = null;
  return {
    model,
    now,
    rollup() {
      cached ??= rollup(model.state, { now });
      return cached;
    },
  };
}
