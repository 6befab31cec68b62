import type { Cascade } from '@program-nova/parser';
import { applyTransition } from './apply.js';
import { pendingTask, SCHEMA_VERSION } from './document.js';
import type {
  CascadeState,
  GraphTask,
  PlanChange,
  PlanField,
  StateGraph,
  TaskState,
  Transition,
} from './types.js';

export interface CreateStateOptions {
  /** Stored as project.cascade_file; defaults to the Cascade's filename. */
  cascadeFile?: string;
  now?: Date;
}

/** The state graph of a parsed plan (file order kept). */
export function graphOf(cascade: Pick<Cascade, 'tasks' | 'hierarchy'>): StateGraph {
  const tasks: Record<string, GraphTask> = {};
  for (const t of cascade.tasks) {
    tasks[t.id] = {
      name: t.name,
      description: t.description,
      depends_on: [...t.dependsOn],
      branch: t.branch,
      group: t.group,
    };
  }
  return {
    tasks,
    hierarchy: cascade.hierarchy.map((b) => ({
      branch: b.branch,
      groups: b.groups.map((g) => ({ group: g.group, tasks: [...g.tasks] })),
    })),
  };
}

/** A fresh state for a plan: every task pending, nothing started. */
export function createState(cascade: Cascade, options: CreateStateOptions = {}): CascadeState {
  const graph = graphOf(cascade);
  const tasks: Record<string, TaskState> = {};
  for (const id of Object.keys(graph.tasks)) tasks[id] = pendingTask();
  return {
    schema_version: SCHEMA_VERSION,
    project: {
      name: cascade.projectName,
      cascade_file: options.cascadeFile ?? cascade.filename ?? null,
      started_at: null,
      completed_at: null,
      updated_at: (options.now ?? new Date()).toISOString(),
      orchestrator_pid: null,
    },
    graph,
    tasks,
    milestones: [],
    removed_tasks: {},
    plan_changes: [],
    warnings: [],
  };
}

export const PLAN_FIELDS: readonly PlanField[] = [
  'name',
  'description',
  'depends_on',
  'branch',
  'group',
];

/**
 * Tasks kept by id whose plan entry changed. A derived graph (an old state file without one) knows
 * no names or dependencies, so nothing can be said to have changed against it.
 */
function changedEntries(state: CascadeState, next: StateGraph): PlanChange['changed'] {
  if (state.graph.derived) return [];
  const changed: PlanChange['changed'] = [];
  for (const id of Object.keys(next.tasks)) {
    const before = state.graph.tasks[id];
    if (before === undefined || !Object.hasOwn(state.tasks, id)) continue;
    const after = next.tasks[id]!;
    const fields = PLAN_FIELDS.filter((f) =>
      f === 'depends_on'
        ? before.depends_on.join('\0') !== after.depends_on.join('\0')
        : before[f] !== after[f],
    );
    if (fields.length > 0) changed.push({ id, fields, status: state.tasks[id]!.status });
  }
  return changed;
}

function sameGraph(a: StateGraph, b: StateGraph): boolean {
  // Both come from the same builders (graphOf / validateState), so key order is stable: a JSON
  // comparison also catches a change of task order, which matters for file-order tie-breaks.
  return (
    JSON.stringify(a.tasks) === JSON.stringify(b.tasks) &&
    JSON.stringify(a.hierarchy) === JSON.stringify(b.hierarchy) &&
    a.derived === b.derived
  );
}

/**
 * The `plan_reconciled` transition that brings `state` in line with a (possibly edited) plan, or null
 * when graph and project name are unchanged. Recording it through the store keeps the journal the
 * record of truth for plan changes too.
 */
export function planTransition(
  state: CascadeState,
  cascade: Cascade,
  now: Date = new Date(),
): Extract<Transition, { type: 'plan_reconciled' }> | null {
  const graph = graphOf(cascade);
  if (sameGraph(state.graph, graph) && state.project.name === cascade.projectName) return null;
  const added = Object.keys(graph.tasks).filter((id) => !Object.hasOwn(state.tasks, id));
  const removed = Object.keys(state.tasks).filter((id) => !Object.hasOwn(graph.tasks, id));
  return {
    type: 'plan_reconciled',
    at: now.toISOString(),
    graph,
    project_name: cascade.projectName,
    added,
    removed,
    changed: changedEntries(state, graph),
  };
}

/**
 * A copy of `state` matching `cascade`: added tasks pending, removed tasks dropped, the graph
 * (dependencies, names, hierarchy) replaced. `changes` lists removals then additions, each in file order.
 */
export function reconcile(
  state: CascadeState,
  cascade: Cascade,
): { state: CascadeState; changes: { kind: 'added' | 'removed'; id: string }[] } {
  const next = structuredClone(state);
  const t = planTransition(state, cascade);
  if (t === null) return { state: next, changes: [] };
  applyTransition(next, t);
  return {
    state: next,
    changes: [
      ...t.removed.map((id) => ({ kind: 'removed' as const, id })),
      ...t.added.map((id) => ({ kind: 'added' as const, id })),
    ],
  };
}
