import { criticalPath, dependentsMap } from '@program-nova/parser/graph';
import {
  blockedBy,
  type CascadeState,
  graphNodes,
  isBlocked,
  type StateGraph,
  type StatusSummary,
  summarize,
  type TaskState,
  taskCost,
} from '@program-nova/state';
import type { Derived } from './derive.js';

/** A task's status as shown: the stored status, or "blocked" for a pending task behind a failure. */
export type DisplayStatus = 'completed' | 'in_progress' | 'failed' | 'blocked' | 'pending';

/**
 * What the views need from one state snapshot. Every derivation is a call into @program-nova/state;
 * this only caches per snapshot (a new object per changed poll) so 5,000-task plans stay fast. The
 * counts and blocked tasks come precomputed from the page's worker when there is one (`derived`).
 */
export interface Model {
  state: CascadeState;
  summary: StatusSummary;
  ids: string[];
  blockedRoots(id: string): string[];
  displayStatus(id: string): DisplayStatus;
  dependents(id: string): string[];
  critical(): { path: string[]; ids: Set<string> };
  taskCost(task: TaskState): number | null;
}

const cache = new WeakMap<CascadeState, Model>();

/** What depends on the graph alone, kept while the plan is the same (deltas keep its identity). */
interface GraphFacts {
  dependents?: Map<string, string[]>;
  critical?: { path: string[]; ids: Set<string> };
}
const graphCache = new WeakMap<StateGraph, GraphFacts>();

export function modelOf(state: CascadeState, derived: Derived | null = null): Model {
  const hit = cache.get(state);
  if (hit) return hit;
  const blocked = new Map<string, string[]>();
  const blockedFlags = new Map<string, boolean>();
  const knownBlocked = derived ? new Set(derived.blocked) : null;
  let graph = graphCache.get(state.graph);
  if (!graph) {
    graph = {};
    graphCache.set(state.graph, graph);
  }
  const facts = graph;
  const model: Model = {
    state,
    summary: derived?.summary ?? summarize(state),
    ids: Object.keys(state.tasks),
    blockedRoots(id) {
      const task = state.tasks[id];
      // No pending task can be blocked when the summary counts none: skip the per-task walk.
      if (task?.status !== 'pending' || model.summary.blocked === 0) return [];
      let roots = blocked.get(id);
      if (!roots) {
        roots = blockedBy(state, id);
        blocked.set(id, roots);
      }
      return roots;
    },
    displayStatus(id) {
      const task = state.tasks[id];
      if (!task) return 'pending';
      if (task.status !== 'pending' || model.summary.blocked === 0) return task.status;
      if (knownBlocked) return knownBlocked.has(id) ? 'blocked' : 'pending';
      let b = blockedFlags.get(id);
      if (b === undefined) {
        // isBlocked only walks the ancestors; blockedBy also orders the roots (task view only).
        b = isBlocked(state, id);
        blockedFlags.set(id, b);
      }
      return b ? 'blocked' : task.status;
    },
    dependents(id) {
      facts.dependents ??= dependentsMap(graphNodes(state));
      return facts.dependents.get(id) ?? [];
    },
    critical() {
      if (!facts.critical) {
        const path = criticalPath(graphNodes(state)).path;
        facts.critical = { path, ids: new Set(path) };
      }
      return facts.critical;
    },
    taskCost(task) {
      // The recorded dollar figure (reported by the agent) wins; otherwise price the raw tokens.
      return taskCost(task);
    },
  };
  cache.set(state, model);
  return model;
}
