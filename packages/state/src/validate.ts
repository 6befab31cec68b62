import { FAILURE_KINDS, RUN_OUTCOMES, zeroUsage } from '@program-nova/core';
import { Checker, child, describe } from './checker.js';
import { PLAN_FIELDS } from './create.js';
import { pendingTask, SCHEMA_VERSION } from './document.js';
import { StateError } from './errors.js';
import type {
  CascadeState,
  GraphHierarchyBranch,
  GraphTask,
  ProjectState,
  RemovedTask,
  StateGraph,
  TaskGit,
  TaskRunner,
  TaskState,
  TokenUsage,
  WorkspaceRecord,
} from './types.js';
import { checkMilestones, checkPlanChanges, checkWarnings, STATUSES } from './validate-records.js';

export interface ValidateOptions {
  /** Named in every error message. */
  file?: string;
}

/** Group and branch of every task of a graph derived from a Program Nova state file. */
export const DERIVED_GROUP = 'All tasks';

function checkUsage(c: Checker, value: unknown, field: string): TokenUsage {
  if (value === undefined || value === null) return zeroUsage();
  const obj = c.object(value, field);
  const usage = zeroUsage();
  for (const key of Object.keys(usage) as (keyof TokenUsage)[]) {
    if (obj[key] !== undefined && obj[key] !== null) {
      usage[key] = c.number(obj[key], child(field, key), { min: 0 });
    }
  }
  return usage;
}

function checkRunner(c: Checker, value: unknown, field: string): TaskRunner {
  const obj = c.object(value, field);
  const host = c.string(obj.host, child(field, 'host'));
  if (host === '') c.fail(child(field, 'host'), 'must not be empty');
  const pid = c.nullableNumber(obj, 'pid', field, { integer: true, min: 0 });
  if (pid === null) c.fail(child(field, 'pid'), 'is required');
  return { host, pid };
}

function checkTask(c: Checker, value: unknown, field: string): TaskState {
  const obj = c.object(value, field);
  const task = pendingTask();
  task.status = c.oneOf(obj.status, STATUSES, child(field, 'status'));
  task.worker_id = c.nullableString(obj, 'worker_id', field);
  task.pid = c.nullableNumber(obj, 'pid', field, { integer: true });
  task.pgid = c.nullableNumber(obj, 'pgid', field, { integer: true });
  if (obj.runner !== undefined)
    task.runner = obj.runner === null ? null : checkRunner(c, obj.runner, child(field, 'runner'));
  task.started_at = c.timestamp(obj, 'started_at', field);
  task.completed_at = c.timestamp(obj, 'completed_at', field);
  task.duration_seconds = c.nullableNumber(obj, 'duration_seconds', field, { min: 0 });
  task.current_step = c.nullableString(obj, 'current_step', field);
  task.token_usage = checkUsage(c, obj.token_usage, child(field, 'token_usage'));
  task.cost_usd = c.nullableNumber(obj, 'cost_usd', field, { min: 0 });
  task.model = c.nullableString(obj, 'model', field);
  task.error = c.nullableString(obj, 'error', field);
  task.failure_kind =
    obj.failure_kind === undefined || obj.failure_kind === null
      ? null
      : c.oneOf(obj.failure_kind, FAILURE_KINDS, child(field, 'failure_kind'));
  task.exit_code = c.nullableNumber(obj, 'exit_code', field, { integer: true });
  task.attempts = c.nullableNumber(obj, 'attempts', field, { integer: true, min: 0 }) ?? 0;
  if (obj.resets !== undefined && obj.resets !== null) {
    task.resets = c.nullableNumber(obj, 'resets', field, { integer: true, min: 0 }) ?? 0;
  }
  task.retry_at = c.timestamp(obj, 'retry_at', field);
  task.log_path = c.nullableString(obj, 'log_path', field);
  task.commit_sha = c.nullableString(obj, 'commit_sha', field);
  task.files_changed =
    obj.files_changed === undefined || obj.files_changed === null
      ? null
      : c.stringArray(obj.files_changed, child(field, 'files_changed'));
  if (obj.earlier_attempts !== undefined && obj.earlier_attempts !== null) {
    const ef = child(field, 'earlier_attempts');
    const earlier = c.object(obj.earlier_attempts, ef);
    task.earlier_attempts = {
      token_usage: checkUsage(c, earlier.token_usage, child(ef, 'token_usage')),
      cost_usd: c.nullableNumber(earlier, 'cost_usd', ef, { min: 0 }),
    };
  }
  if (obj.changed_since_run !== undefined) {
    const list = obj.changed_since_run;
    if (!Array.isArray(list)) c.fail(child(field, 'changed_since_run'), 'must be an array');
    task.changed_since_run = list.map((f, i) =>
      c.oneOf(f, PLAN_FIELDS, child(child(field, 'changed_since_run'), i)),
    );
  }
  if (obj.result_text !== undefined) task.result_text = c.nullableString(obj, 'result_text', field);
  if (obj.git !== undefined)
    task.git = obj.git === null ? null : checkTaskGit(c, obj.git, child(field, 'git'));
  if (obj.log_incomplete !== undefined) {
    task.log_incomplete = c.nullableString(obj, 'log_incomplete', field);
  }
  return task;
}

function checkWorkspace(c: Checker, value: unknown): WorkspaceRecord {
  const field = 'project.workspace';
  const obj = c.object(value, field);
  const record: WorkspaceRecord = {
    repo: c.string(obj.repo, child(field, 'repo')),
    base: c.string(obj.base, child(field, 'base')),
    base_branch: c.nullableString(obj, 'base_branch', field),
    branch_prefix: c.string(obj.branch_prefix, child(field, 'branch_prefix')),
  };
  if (obj.result !== undefined && obj.result !== null) {
    const rf = child(field, 'result');
    const r = c.object(obj.result, rf);
    const at = c.timestamp(r, 'at', rf);
    if (at === null) c.fail(child(rf, 'at'), 'is required');
    record.result = {
      branch: c.string(r.branch, child(rf, 'branch')),
      head: c.string(r.head, child(rf, 'head')),
      at,
    };
  } else if (obj.result === null) record.result = null;
  return record;
}

function checkTaskGit(c: Checker, value: unknown, field: string): TaskGit {
  const obj = c.object(value, field);
  if (!Array.isArray(obj.files)) c.fail(child(field, 'files'), 'must be an array');
  return {
    branch: c.string(obj.branch, child(field, 'branch')),
    base: c.string(obj.base, child(field, 'base')),
    head: c.string(obj.head, child(field, 'head')),
    files: obj.files.map((f, i) => {
      const ff = child(child(field, 'files'), i);
      const file = c.object(f, ff);
      return {
        path: c.string(file.path, child(ff, 'path')),
        added: c.nullableNumber(file, 'added', ff, { integer: true, min: 0 }),
        removed: c.nullableNumber(file, 'removed', ff, { integer: true, min: 0 }),
      };
    }),
  };
}

function checkProject(c: Checker, value: unknown, legacy: boolean): ProjectState {
  if (legacy && (value === undefined || value === null)) {
    return {
      name: 'Unnamed Project',
      cascade_file: null,
      started_at: null,
      completed_at: null,
      updated_at: null,
      orchestrator_pid: null,
    };
  }
  const obj = c.object(value, 'project');
  return {
    name: legacy
      ? c.optString(obj, 'name', 'project', 'Unnamed Project')
      : c.string(obj.name, 'project.name'),
    cascade_file: c.nullableString(obj, 'cascade_file', 'project'),
    started_at: c.timestamp(obj, 'started_at', 'project'),
    completed_at: c.timestamp(obj, 'completed_at', 'project'),
    updated_at: c.timestamp(obj, 'updated_at', 'project'),
    orchestrator_pid: c.nullableNumber(obj, 'orchestrator_pid', 'project', { integer: true }),
    ...(obj.orchestrator_host === undefined
      ? {}
      : { orchestrator_host: c.nullableString(obj, 'orchestrator_host', 'project') }),
    ...(obj.orchestrator_start === undefined
      ? {}
      : { orchestrator_start: c.nullableString(obj, 'orchestrator_start', 'project') }),
    ...(obj.outcome === undefined
      ? {}
      : {
          outcome:
            obj.outcome === null ? null : c.oneOf(obj.outcome, RUN_OUTCOMES, 'project.outcome'),
        }),
    ...(obj.ended_at === undefined ? {} : { ended_at: c.timestamp(obj, 'ended_at', 'project') }),
    ...(obj.workspace === undefined || obj.workspace === null
      ? {}
      : { workspace: checkWorkspace(c, obj.workspace) }),
    ...checkPause(c, obj),
  };
}

/** The pause fields, present only when the file has them (older files have none). */
function checkPause(
  c: Checker,
  obj: Record<string, unknown>,
): Pick<ProjectState, 'paused_until' | 'pause_reason' | 'pause_task'> {
  const out: Pick<ProjectState, 'paused_until' | 'pause_reason' | 'pause_task'> = {};
  if (obj.paused_until !== undefined)
    out.paused_until = c.timestamp(obj, 'paused_until', 'project');
  if (obj.pause_reason !== undefined)
    out.pause_reason = c.nullableString(obj, 'pause_reason', 'project');
  if (obj.pause_task !== undefined) out.pause_task = c.nullableString(obj, 'pause_task', 'project');
  return out;
}

function checkGraphTask(c: Checker, value: unknown, field: string, id: string): GraphTask {
  const t = c.object(value, field);
  return {
    name: c.optString(t, 'name', field, id),
    description: c.optString(t, 'description', field, ''),
    depends_on:
      t.depends_on === undefined ? [] : c.stringArray(t.depends_on, child(field, 'depends_on')),
    branch: c.string(t.branch, child(field, 'branch')),
    group: c.string(t.group, child(field, 'group')),
  };
}

function checkRemovedTasks(c: Checker, value: unknown): Record<string, RemovedTask> {
  if (value === undefined || value === null) return {};
  const obj = c.object(value, 'removed_tasks');
  const removed: Record<string, RemovedTask> = {};
  for (const id of Object.keys(obj)) {
    const field = child('removed_tasks', id);
    const entry = c.object(obj[id], field);
    const removedAt = c.timestamp(entry, 'removed_at', field);
    if (removedAt === null) c.fail(child(field, 'removed_at'), 'is required');
    removed[id] = {
      ...checkTask(c, entry, field),
      removed_at: removedAt,
      graph: checkGraphTask(c, entry.graph, child(field, 'graph'), id),
    };
  }
  return removed;
}

function checkGraph(c: Checker, value: unknown): StateGraph {
  const obj = c.object(value, 'graph');
  const tasksObj = c.object(obj.tasks, 'graph.tasks');
  const tasks: Record<string, GraphTask> = {};
  for (const id of Object.keys(tasksObj)) {
    tasks[id] = checkGraphTask(c, tasksObj[id], child('graph.tasks', id), id);
  }
  for (const id of Object.keys(tasks)) {
    tasks[id]!.depends_on.forEach((dep, i) => {
      if (!Object.hasOwn(tasks, dep)) {
        c.fail(
          child(child(child('graph.tasks', id), 'depends_on'), i),
          `names unknown task ${JSON.stringify(dep)}`,
        );
      }
    });
  }
  if (!Array.isArray(obj.hierarchy))
    c.fail('graph.hierarchy', `must be an array, got ${describe(obj.hierarchy)}`);
  const hierarchy: GraphHierarchyBranch[] = obj.hierarchy.map((b, bi) => {
    const bf = child('graph.hierarchy', bi);
    const branch = c.object(b, bf);
    if (!Array.isArray(branch.groups))
      c.fail(child(bf, 'groups'), `must be an array, got ${describe(branch.groups)}`);
    return {
      branch: c.string(branch.branch, child(bf, 'branch')),
      groups: branch.groups.map((g, gi) => {
        const gf = child(child(bf, 'groups'), gi);
        const group = c.object(g, gf);
        const ids = c.stringArray(group.tasks, child(gf, 'tasks'));
        ids.forEach((id, i) => {
          if (!Object.hasOwn(tasks, id))
            c.fail(child(child(gf, 'tasks'), i), `names unknown task ${JSON.stringify(id)}`);
        });
        return { group: c.string(group.group, child(gf, 'group')), tasks: ids };
      }),
    };
  });
  const graph: StateGraph = { tasks, hierarchy };
  if (obj.derived === true) graph.derived = true;
  return graph;
}

/** The graph a Program Nova state file implies: every task, no dependencies, one group. */
function derivedGraph(ids: string[]): StateGraph {
  const tasks: Record<string, GraphTask> = {};
  for (const id of ids) {
    tasks[id] = {
      name: id,
      description: '',
      depends_on: [],
      branch: DERIVED_GROUP,
      group: DERIVED_GROUP,
    };
  }
  return {
    tasks,
    hierarchy:
      ids.length === 0
        ? []
        : [{ branch: DERIVED_GROUP, groups: [{ group: DERIVED_GROUP, tasks: ids }] }],
    derived: true,
  };
}

/**
 * Checks a parsed document and returns a normalised copy (absent optional fields filled in).
 * A document without `schema_version` is read as a Program Nova state file: its graph is derived
 * (see README). Throws StateError STATE_INVALID naming the field path, or STATE_SCHEMA.
 */
export function validateState(doc: unknown, options: ValidateOptions = {}): CascadeState {
  const c = new Checker(options.file);
  const root = c.object(doc, '');
  const legacy = root.schema_version === undefined;
  if (!legacy && root.schema_version !== SCHEMA_VERSION) {
    const where = options.file === undefined ? '' : `${options.file}: `;
    throw new StateError(
      'STATE_SCHEMA',
      `${where}unknown schema_version ${JSON.stringify(root.schema_version) ?? String(root.schema_version)}; this version of Nova reads schema_version ${SCHEMA_VERSION}`,
      { ...(options.file === undefined ? {} : { file: options.file }), field: 'schema_version' },
    );
  }
  const project = checkProject(c, root.project, legacy);
  const tasksObj = c.object(root.tasks, 'tasks');
  const tasks: Record<string, TaskState> = {};
  for (const id of Object.keys(tasksObj))
    tasks[id] = checkTask(c, tasksObj[id], child('tasks', id));

  let graph: StateGraph;
  if (legacy && root.graph === undefined) {
    graph = derivedGraph(Object.keys(tasks));
  } else {
    graph = checkGraph(c, root.graph);
    for (const id of Object.keys(tasks)) {
      if (!Object.hasOwn(graph.tasks, id)) c.fail(child('tasks', id), 'is not in graph.tasks');
    }
    for (const id of Object.keys(graph.tasks)) {
      if (!Object.hasOwn(tasks, id)) c.fail(child('graph.tasks', id), 'has no entry in tasks');
    }
  }
  const state: CascadeState = {
    schema_version: SCHEMA_VERSION,
    project,
    graph,
    tasks,
    milestones: checkMilestones(c, root.milestones, legacy),
    removed_tasks: checkRemovedTasks(c, root.removed_tasks),
    plan_changes: checkPlanChanges(c, root.plan_changes),
    warnings: checkWarnings(c, root.warnings),
  };
  if (root.journal_seq !== undefined) {
    state.journal_seq = c.number(root.journal_seq, 'journal_seq', { integer: true, min: 0 });
  }
  return state;
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * JSON.parse + validateState. STATE_EMPTY for an empty (or whitespace-only) text, STATE_CORRUPT with a
 * line and column for text that is not JSON.
 */
export function parseStateText(text: string, options: ValidateOptions = {}): CascadeState {
  const where = options.file === undefined ? '' : `${options.file}: `;
  const fileOpt = options.file === undefined ? {} : { file: options.file };
  if (text.trim() === '') {
    throw new StateError('STATE_EMPTY', `${where}the state file is empty`, fileOpt);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(detail);
    const at = position ? lineColumn(text, Number(position[1])) : undefined;
    const loc = at ? `line ${at.line} column ${at.column}: ` : '';
    throw new StateError(
      'STATE_CORRUPT',
      `${where}${loc}the state file is not valid JSON (${detail})`,
      {
        ...fileOpt,
        ...(at ? { line: at.line } : {}),
        cause: error,
      },
    );
  }
  return validateState(doc, options);
}
