import { addUsageInto, usageIsZero, zeroUsage } from '@program-nova/core';
import { belowFailed, summarizeTasks } from './blocked.js';
import { DEFAULT_PRICING, taskCost } from './pricing.js';
import type {
  BranchRollup,
  CascadeState,
  GroupRollup,
  PricingTable,
  ProjectRollup,
  Rollup,
  RollupStatus,
  StatusSummary,
  TaskState,
} from './types.js';

export interface RollupOptions {
  /** The instant running tasks are measured to (default: now). */
  now?: Date;
  /** Prices for tasks without a recorded cost (default: DEFAULT_PRICING). */
  pricing?: Readonly<PricingTable>;
}

/**
 * Seconds a task has run: live for a running task (to `now`), the recorded duration of the last
 * attempt otherwise, null for a task that never started.
 */
export function elapsedSeconds(task: TaskState, now: Date = new Date()): number | null {
  if (task.status === 'in_progress' && task.started_at !== null) {
    return Math.max(0, (now.getTime() - Date.parse(task.started_at)) / 1000);
  }
  if (task.status === 'pending' && task.started_at === null) return null;
  if (task.duration_seconds !== null) return task.duration_seconds;
  if (task.started_at !== null && task.completed_at !== null) {
    return Math.max(0, (Date.parse(task.completed_at) - Date.parse(task.started_at)) / 1000);
  }
  return null;
}

/** Failed if any failed; else in progress if any runs; else completed if all completed; else pending. */
function statusOf(c: StatusSummary): RollupStatus {
  if (c.failed > 0) return 'failed';
  if (c.inProgress > 0) return 'in_progress';
  if (c.totalTasks > 0 && c.completed === c.totalTasks) return 'completed';
  return 'pending';
}

function rollupOf(
  state: CascadeState,
  ids: readonly string[],
  blocked: Set<string>,
  now: Date,
  pricing: Readonly<PricingTable>,
): Rollup {
  const r: Rollup = {
    status: 'pending',
    counts: summarizeTasks(state, ids, blocked),
    taskSeconds: 0,
    wallSeconds: null,
    startedAt: null,
    endedAt: null,
    tokens: zeroUsage(),
    costUsd: 0,
    costUnknownTasks: 0,
  };
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let running = false;
  for (const id of ids) {
    if (!Object.hasOwn(state.tasks, id)) continue;
    const task = state.tasks[id]!;
    r.taskSeconds += elapsedSeconds(task, now) ?? 0;
    if (task.started_at !== null) {
      first = Math.min(first, Date.parse(task.started_at));
      if (task.status === 'in_progress') running = true;
      else if (task.completed_at !== null) last = Math.max(last, Date.parse(task.completed_at));
    }
    const u = task.token_usage;
    addUsageInto(r.tokens, u);
    const cost = taskCost(task, pricing);
    if (cost !== null) r.costUsd += cost;
    else if (!usageIsZero(u)) r.costUnknownTasks++;
  }
  r.status = statusOf(r.counts);
  if (Number.isFinite(first)) {
    r.startedAt = new Date(first).toISOString();
    const end = running ? now.getTime() : Number.isFinite(last) ? last : first;
    r.endedAt = running ? null : new Date(end).toISOString();
    r.wallSeconds = Math.max(0, (end - first) / 1000);
  }
  return r;
}

/**
 * Rollups of the whole plan: project (L0) over every task, each branch (L1) and group (L2) as in
 * `graph.hierarchy`. Status: failed > in_progress > completed (all) > pending.
 */
export function rollup(state: CascadeState, options: RollupOptions = {}): ProjectRollup {
  const now = options.now ?? new Date();
  const pricing = options.pricing ?? DEFAULT_PRICING;
  const blocked = belowFailed(state);
  const branches: BranchRollup[] = state.graph.hierarchy.map((b) => {
    const groups: GroupRollup[] = b.groups.map((g) => ({
      branch: b.branch,
      group: g.group,
      tasks: [...g.tasks],
      ...rollupOf(state, g.tasks, blocked, now, pricing),
    }));
    const ids = b.groups.flatMap((g) => g.tasks);
    return { branch: b.branch, groups, ...rollupOf(state, ids, blocked, now, pricing) };
  });
  const project = rollupOf(state, Object.keys(state.tasks), blocked, now, pricing);
  const removed = { tasks: 0, tokens: zeroUsage(), costUsd: 0 };
  for (const task of Object.values(state.removed_tasks)) {
    removed.tasks++;
    addUsageInto(removed.tokens, task.token_usage);
    removed.costUsd += taskCost(task, pricing) ?? 0;
  }
  addUsageInto(project.tokens, removed.tokens);
  project.costUsd += removed.costUsd;
  return { name: state.project.name, branches, ...project, removed };
}
