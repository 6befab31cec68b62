import { dependentsMap } from '@program-nova/parser/graph';
import { graphNodes } from './document.js';
import type { CascadeState, StatusSummary } from './types.js';

function depsOf(state: CascadeState, id: string): readonly string[] {
  const g = state.graph.tasks[id];
  return g === undefined || !Object.hasOwn(state.graph.tasks, id) ? [] : g.depends_on;
}

function isFailed(state: CascadeState, id: string): boolean {
  return Object.hasOwn(state.tasks, id) && state.tasks[id]!.status === 'failed';
}

/** Every task `id` depends on, directly or not (breadth first, each once). */
function ancestors(state: CascadeState, id: string): string[] {
  const seen = new Set<string>([id]);
  const out: string[] = [];
  for (let i = -1; i < out.length; i++) {
    const current = i < 0 ? id : out[i]!;
    for (const dep of depsOf(state, current)) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      out.push(dep);
    }
  }
  return out;
}

/**
 * The failed tasks that keep `id` from running: failed tasks among its transitive dependencies that
 * do not themselves sit below another failed task (the roots to fix or retry), in file order.
 * Empty when nothing upstream failed. Says nothing about `id`'s own status.
 */
export function blockedBy(state: CascadeState, id: string): string[] {
  const failedAbove = ancestors(state, id).filter((a) => isFailed(state, a));
  if (failedAbove.length === 0) return [];
  const roots = failedAbove.filter((f) => !ancestors(state, f).some((a) => isFailed(state, a)));
  const order = new Map(Object.keys(state.graph.tasks).map((k, i) => [k, i]));
  return roots.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
}

/** A pending task with a failed task among its transitive dependencies. */
export function isBlocked(state: CascadeState, id: string): boolean {
  const task = state.tasks[id];
  if (task === undefined || !Object.hasOwn(state.tasks, id) || task.status !== 'pending')
    return false;
  return ancestors(state, id).some((a) => isFailed(state, a));
}

/** Every task with a failed task among its transitive dependencies (one pass over the graph). */
export function belowFailed(state: CascadeState): Set<string> {
  const failed = Object.keys(state.tasks).filter((id) => isFailed(state, id));
  const below = new Set<string>();
  if (failed.length === 0) return below;
  const dependents = dependentsMap(graphNodes(state));
  const queue = [...failed];
  for (let i = 0; i < queue.length; i++) {
    for (const d of dependents.get(queue[i]!) ?? []) {
      if (below.has(d)) continue;
      below.add(d);
      queue.push(d);
    }
  }
  return below;
}

/** Counts over `ids` (default: every task). `pending` excludes blocked tasks. */
export function summarizeTasks(
  state: CascadeState,
  ids: readonly string[],
  blocked: Set<string>,
): StatusSummary {
  const s: StatusSummary = {
    totalTasks: 0,
    completed: 0,
    failed: 0,
    inProgress: 0,
    pending: 0,
    blocked: 0,
    activeWorkers: 0,
  };
  for (const id of ids) {
    const task = state.tasks[id];
    if (task === undefined || !Object.hasOwn(state.tasks, id)) continue;
    s.totalTasks++;
    if (task.status === 'completed') s.completed++;
    else if (task.status === 'failed') s.failed++;
    else if (task.status === 'in_progress') {
      s.inProgress++;
      s.activeWorkers++;
    } else if (blocked.has(id)) s.blocked++;
    else s.pending++;
  }
  return s;
}

/**
 * `{ totalTasks, completed, failed, inProgress, pending, blocked, activeWorkers }` of the whole state.
 * `activeWorkers` counts tasks in progress as recorded (the file cannot know more); an orchestrator
 * reports its own live count.
 */
export function summarize(state: CascadeState): StatusSummary {
  return summarizeTasks(state, Object.keys(state.tasks), belowFailed(state));
}
