import { addUsage, usageIsZero, zeroUsage } from '@program-nova/core';
import { pendingTask } from './document.js';
import { StateError } from './errors.js';
import type {
  CascadeState,
  JournalEntry,
  TaskState,
  TokenUsage,
  Transition,
  TransitionType,
} from './types.js';

const TASK_TRANSITIONS = new Set<TransitionType>([
  'task_started',
  'task_progress',
  'task_completed',
  'task_failed',
  'task_interrupted',
  'task_reset',
]);

const ALL_TRANSITIONS = new Set<TransitionType>([
  ...TASK_TRANSITIONS,
  'run_started',
  'run_finished',
  'plan_reconciled',
  'milestone_reached',
  'warning',
  'workspace_opened',
  'result_merged',
  'run_paused',
  'run_resumed',
]);

/** How many plan changes and warnings the state keeps (the latest). */
export const PLAN_CHANGES_KEPT = 20;
export const WARNINGS_KEPT = 100;

/**
 * Shape check of a transition (or journal entry) before it is applied or journaled: a bad object
 * from a caller must fail at record(), not at the next recovery. Returns a message, or null when fine.
 */
export function transitionProblem(t: unknown): string | null {
  if (typeof t !== 'object' || t === null) return 'a transition must be an object';
  const r = t as Record<string, unknown>;
  if (typeof r.type !== 'string' || !ALL_TRANSITIONS.has(r.type as TransitionType)) {
    return `unknown transition type ${JSON.stringify(r.type)}`;
  }
  if (typeof r.at !== 'string' || Number.isNaN(Date.parse(r.at))) {
    return `${r.type}: "at" must be an ISO-8601 timestamp`;
  }
  if (TASK_TRANSITIONS.has(r.type as TransitionType) || r.type === 'milestone_reached') {
    if (typeof r.id !== 'string' || r.id === '')
      return `${r.type}: "id" must be a non-empty string`;
  }
  if (r.type === 'plan_reconciled') {
    const g = r.graph as Record<string, unknown> | undefined;
    if (
      typeof g !== 'object' ||
      g === null ||
      typeof g.tasks !== 'object' ||
      !Array.isArray(g.hierarchy)
    ) {
      return 'plan_reconciled: "graph" must be a state graph';
    }
  }
  if (r.type === 'task_started' && r.runner != null) {
    const problem = runnerProblem(r.runner);
    if (problem !== null) return `task_started: "runner" ${problem}`;
  }
  if (r.type === 'task_failed' && typeof r.failure_kind !== 'string') {
    return 'task_failed: "failure_kind" is required';
  }
  if (r.type === 'warning' && (typeof r.code !== 'string' || typeof r.message !== 'string')) {
    return 'warning: "code" and "message" must be strings';
  }
  if (r.type === 'workspace_opened' && (typeof r.repo !== 'string' || typeof r.base !== 'string')) {
    return 'workspace_opened: "repo" and "base" must be strings';
  }
  if (r.type === 'run_paused') {
    if (typeof r.until !== 'string' || Number.isNaN(Date.parse(r.until)))
      return 'run_paused: "until" must be an ISO-8601 timestamp';
    if (typeof r.reason !== 'string') return 'run_paused: "reason" must be a string';
    if (r.task !== null && (typeof r.task !== 'string' || r.task === ''))
      return 'run_paused: "task" must be a non-empty string or null';
  }
  if (r.type === 'result_merged' && (typeof r.branch !== 'string' || typeof r.head !== 'string')) {
    return 'result_merged: "branch" and "head" must be strings';
  }
  return null;
}

function runnerProblem(value: unknown): string | null {
  const r = value as Record<string, unknown>;
  if (typeof value !== 'object' || typeof r.host !== 'string' || r.host === '')
    return 'must have a non-empty "host"';
  if (typeof r.pid !== 'number' || !Number.isInteger(r.pid) || r.pid < 0)
    return 'must have an integer "pid"';
  return null;
}

function seconds(from: string | null, to: string): number | null {
  if (from === null) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.max(0, ms / 1000) : null;
}

/**
 * Dollars of two attempts together. An attempt whose cost is unknown (an unpriced model that
 * reported none) adds nothing it does not know, but never erases what another attempt is known to
 * have cost: the budget must go on counting that.
 */
function addCost(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return a + b;
}

/** Only tasks whose log was ever incomplete carry the field; a complete log clears it. */
function noteLogIncomplete(task: TaskState, value: string | null | undefined): void {
  if (value !== undefined && value !== null) task.log_incomplete = value;
  else if (task.log_incomplete !== undefined) task.log_incomplete = null;
}

function keepLatest<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

/** Totals of this attempt plus every earlier one (agents report per-attempt totals from zero). */
function setSpend(
  task: TaskState,
  usage: TokenUsage | undefined,
  cost: number | null | undefined,
): void {
  const earlier = task.earlier_attempts;
  if (usage !== undefined)
    task.token_usage = earlier ? addUsage(earlier.token_usage, usage) : { ...usage };
  if (cost !== undefined) task.cost_usd = earlier ? addCost(earlier.cost_usd, cost) : cost;
}

/** Not paused: the pause ended, or the run that held it ended or started over. */
function clearPause(state: CascadeState): void {
  state.project.paused_until = null;
  state.project.pause_reason = null;
  state.project.pause_task = null;
}

function taskOf(state: CascadeState, t: { type: string; id: string }): TaskState {
  const task = state.tasks[t.id];
  if (task === undefined || !Object.hasOwn(state.tasks, t.id)) {
    throw new StateError('UNKNOWN_TASK', `${t.type}: unknown task ${JSON.stringify(t.id)}`, {
      field: 'id',
    });
  }
  return task;
}

/**
 * Folds one transition into `state` (mutating it: the store owns its copy). Used live by the store
 * and for journal replay, so the snapshot and a replay always agree.
 * Task transitions naming a task that is not in the state throw StateError UNKNOWN_TASK, and leave
 * the state untouched.
 */
export function applyTransition(state: CascadeState, t: Transition | JournalEntry): void {
  switch (t.type) {
    case 'run_started':
      state.project.started_at ??= t.at;
      state.project.completed_at = null;
      state.project.orchestrator_pid = t.pid;
      state.project.orchestrator_host = t.host ?? null;
      state.project.orchestrator_start = t.proc_start ?? null;
      state.project.outcome = null;
      state.project.ended_at = null;
      // A pause belongs to the run that made it; a new run pauses again for what still holds.
      if (state.project.paused_until != null) clearPause(state);
      if (t.cascade_file !== null) state.project.cascade_file = t.cascade_file;
      break;
    case 'run_finished':
      if (t.completed) state.project.completed_at = t.at;
      state.project.orchestrator_pid = null;
      state.project.orchestrator_host = null;
      state.project.orchestrator_start = null;
      state.project.outcome = t.outcome ?? (t.completed ? 'completed' : null);
      state.project.ended_at = t.at;
      if (state.project.paused_until != null) clearPause(state);
      break;
    case 'run_paused':
      state.project.paused_until = t.until;
      state.project.pause_reason = t.reason;
      state.project.pause_task = t.task;
      break;
    case 'run_resumed':
      clearPause(state);
      break;
    case 'plan_reconciled': {
      const tasks: Record<string, TaskState> = {};
      for (const id of Object.keys(t.graph.tasks)) {
        if (Object.hasOwn(state.tasks, id)) tasks[id] = state.tasks[id]!;
        else if (Object.hasOwn(state.removed_tasks, id)) {
          // Back in the plan: its record (and what it spent) comes back with it.
          const { removed_at: _at, graph: _entry, ...record } = state.removed_tasks[id]!;
          tasks[id] = record;
          delete state.removed_tasks[id];
        } else tasks[id] = pendingTask();
      }
      for (const id of Object.keys(state.tasks)) {
        if (Object.hasOwn(tasks, id)) continue;
        const entry = state.graph.tasks[id];
        state.removed_tasks[id] = {
          ...state.tasks[id]!,
          removed_at: t.at,
          graph: entry
            ? structuredClone(entry)
            : { name: id, description: '', depends_on: [], branch: '', group: '' },
        };
      }
      for (const c of t.changed ?? []) {
        const task = tasks[c.id];
        if (task?.status !== 'completed') continue;
        task.changed_since_run = [...new Set([...(task.changed_since_run ?? []), ...c.fields])];
      }
      const renamed =
        state.project.name === t.project_name
          ? undefined
          : { from: state.project.name, to: t.project_name };
      const changed = t.changed ?? [];
      if (t.added.length || t.removed.length || changed.length || renamed) {
        keepLatest(
          state.plan_changes,
          {
            at: t.at,
            added: [...t.added],
            removed: [...t.removed],
            changed: structuredClone(changed),
            ...(renamed ? { renamed } : {}),
          },
          PLAN_CHANGES_KEPT,
        );
      }
      state.graph = structuredClone(t.graph);
      state.tasks = tasks;
      state.project.name = t.project_name;
      break;
    }
    case 'task_started': {
      const task = taskOf(state, t);
      // Whatever earlier attempts spent stays counted: fold it into earlier_attempts before the new
      // attempt's totals (which start from zero) arrive.
      if (!usageIsZero(task.token_usage) || (task.cost_usd !== null && task.cost_usd > 0)) {
        task.earlier_attempts = { token_usage: { ...task.token_usage }, cost_usd: task.cost_usd };
      }
      task.status = 'in_progress';
      noteLogIncomplete(task, null);
      delete task.changed_since_run;
      task.worker_id = t.worker_id;
      task.pid = t.pid;
      task.pgid = t.pgid;
      if (t.runner != null) task.runner = { ...t.runner };
      else if (task.runner !== undefined) task.runner = null;
      task.started_at = t.at;
      task.completed_at = null;
      task.duration_seconds = null;
      task.current_step = null;
      task.error = null;
      task.failure_kind = null;
      task.exit_code = null;
      task.retry_at = null;
      task.log_path = t.log_path;
      task.model = t.model;
      task.token_usage = task.earlier_attempts
        ? { ...task.earlier_attempts.token_usage }
        : zeroUsage();
      task.cost_usd = task.earlier_attempts ? task.earlier_attempts.cost_usd : null;
      break;
    }
    case 'task_progress': {
      const task = taskOf(state, t);
      setSpend(task, t.token_usage, t.cost_usd);
      if (t.current_step !== undefined) task.current_step = t.current_step;
      if (t.model !== undefined && t.model !== null) task.model = t.model;
      break;
    }
    case 'task_completed': {
      const task = taskOf(state, t);
      task.status = 'completed';
      task.completed_at = t.at;
      task.duration_seconds = seconds(task.started_at, t.at);
      task.exit_code = 0;
      task.error = null;
      task.failure_kind = null;
      task.retry_at = null;
      task.current_step = null;
      task.attempts += 1;
      setSpend(task, t.token_usage, t.cost_usd);
      if (t.model !== null) task.model = t.model;
      noteLogIncomplete(task, t.log_incomplete);
      if (t.result_text) task.result_text = t.result_text;
      else delete task.result_text;
      if (t.git) task.git = structuredClone(t.git);
      if (t.commit_sha !== undefined) task.commit_sha = t.commit_sha;
      if (t.files_changed !== undefined)
        task.files_changed = t.files_changed === null ? null : [...t.files_changed];
      break;
    }
    case 'task_failed': {
      const task = taskOf(state, t);
      task.status = t.retry_at === null ? 'failed' : 'pending';
      task.completed_at = t.at;
      task.duration_seconds = seconds(task.started_at, t.at);
      task.error = t.error;
      task.failure_kind = t.failure_kind;
      task.exit_code = t.exit_code;
      task.retry_at = t.retry_at;
      task.current_step = null;
      if (t.counts_as_attempt) task.attempts += 1;
      setSpend(task, t.token_usage, t.cost_usd);
      if (t.model !== null) task.model = t.model;
      noteLogIncomplete(task, t.log_incomplete);
      break;
    }
    case 'task_interrupted': {
      const task = taskOf(state, t);
      task.status = 'pending';
      task.completed_at = t.at;
      task.duration_seconds = seconds(task.started_at, t.at);
      task.error = t.reason;
      task.failure_kind = 'interrupted';
      task.exit_code = null;
      task.current_step = null;
      task.retry_at = null;
      break;
    }
    case 'task_reset': {
      const task = taskOf(state, t);
      task.status = 'pending';
      task.attempts = 0;
      task.resets = (task.resets ?? 0) + 1;
      task.error = null;
      task.failure_kind = null;
      task.exit_code = null;
      task.retry_at = null;
      task.current_step = null;
      task.completed_at = null;
      break;
    }
    case 'workspace_opened':
      // The first run's base stands: a resumed run keeps working from it.
      state.project.workspace ??= {
        repo: t.repo,
        base: t.base,
        base_branch: t.base_branch,
        branch_prefix: t.branch_prefix,
      };
      break;
    case 'result_merged':
      if (state.project.workspace) {
        state.project.workspace.result = { branch: t.branch, head: t.head, at: t.at };
      }
      break;
    case 'warning':
      keepLatest(state.warnings, { at: t.at, code: t.code, message: t.message }, WARNINGS_KEPT);
      break;
    case 'milestone_reached':
      if (!state.milestones.some((m) => m.id === t.id)) {
        state.milestones.push({ id: t.id, name: t.name, message: t.message, triggered_at: t.at });
      }
      break;
    default: {
      const never: never = t;
      throw new StateError(
        'INVALID_TRANSITION',
        `unknown transition type ${JSON.stringify((never as { type: unknown }).type)}`,
      );
    }
  }
  state.project.updated_at = t.at;
}
