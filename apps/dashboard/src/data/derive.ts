import {
  type CascadeState,
  isBlocked,
  type ProjectRollup,
  rollup,
  type StatusSummary,
} from '@program-nova/state';

/**
 * What the views need that costs a walk over every task: counts, the rollup of every branch and
 * group at `at`, and which pending tasks are blocked. On a 5,000-task plan this is tens of
 * milliseconds, so the page computes it in a worker (state-worker.ts) and only falls back to
 * computing it here where there is none (tests).
 */
export interface Derived {
  /** The feed version it was computed for. */
  version: string;
  /** The clock it was computed at (ms since the epoch). */
  at: number;
  summary: StatusSummary;
  rollup: ProjectRollup;
  blocked: string[];
}

export function derive(state: CascadeState, version: string, at: number): Derived {
  const project = rollup(state, { now: new Date(at) });
  // The project's rollup counts every task: it is the summary (one walk of the graph, not two).
  const summary = project.counts;
  const blocked: string[] = [];
  if (summary.blocked > 0) {
    for (const id of Object.keys(state.tasks)) {
      if (state.tasks[id]!.status === 'pending' && isBlocked(state, id)) blocked.push(id);
    }
  }
  return { version, at, summary, rollup: project, blocked };
}

/** How often the rollup is recomputed while tasks run: rollups of big plans cost more. */
export function rollupRefreshMs(taskCount: number): number {
  return taskCount > 2000 ? 5000 : taskCount > 500 ? 2000 : 1000;
}
