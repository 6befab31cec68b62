/**
 * What crosses the queue. A job carries task data only: the command a worker runs is configured on
 * the worker, so whatever else a job holds (a "command", an environment, a folder) is never read.
 * Workers rebuild their input from the known fields, each checked, and refuse the rest.
 */
import { isFailureKind, isTaskId, type TokenUsage, zeroUsage } from '@program-nova/core';
import {
  type ExecutionOutcome,
  failureOutcome,
  type TaskRunSpec,
} from '@program-nova/orchestrator';

export const JOB_NAME = 'nova-task';

export interface JobTask {
  id: string;
  name: string;
  description: string;
  branch: string;
  group: string;
  dependsOn: string[];
  model?: string;
}

/** The job's data: one attempt of one task. */
export interface NovaJobData {
  run: string;
  attempt: number;
  project: string;
  task: JobTask;
  dependencies: { id: string; name: string; description: string; resultText: string | null }[];
  model?: string;
  timeoutMs?: number;
  previousFailure?: string;
  /** Worktree mode: where the task's work starts, as commits the shared remote holds. */
  workspace?: JobWorkspace;
}

export interface JobWorkspace {
  /** The run's base commit (full sha). */
  base: string;
  /** The repository subfolder agents run in ('' for the root). */
  subdir: string;
  /** The direct dependencies' heads (full shas), in plan order. */
  dependencies: { id: string; head: string }[];
  /** The head the task's last completed attempt recorded, before it was reset (or null). */
  previousHead: string | null;
}

/** Live figures a worker reports through the job's progress. */
export interface JobProgress {
  runner: { host: string; pid: number };
  usage?: TokenUsage;
  costUsd?: number | null;
  model?: string | null;
  step?: string | null;
}

/**
 * `<run>:<task>:<attempt>`, or `<run>:<task>:<resets>.<attempt>` once the task was reset: the same
 * attempt is never queued twice, and an attempt of an earlier series (a reset numbers attempts
 * from 1 again) never shares an id with a new one. (BullMQ allows exactly two colons in an id.)
 */
export function jobIdOf(run: string, taskId: string, attempt: number, resets = 0): string {
  return resets > 0 ? `${run}:${taskId}:${resets}.${attempt}` : `${run}:${taskId}:${attempt}`;
}

/** A queue name from the project's name: `nova-<slug>`. */
export function queueNameOf(project: string): string {
  const slug = project
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `nova-${slug || 'project'}`;
}

/**
 * The job for one attempt. `subdir` (worktree mode, the repository subfolder agents run in) makes
 * the job carry where the work starts; without it, workers run the task in their own folder.
 */
export function jobDataOf(spec: TaskRunSpec, run: string, subdir?: string): NovaJobData {
  const t = spec.task;
  return {
    run,
    attempt: spec.attempt,
    project: spec.project,
    task: {
      id: t.id,
      name: t.name,
      description: t.description,
      branch: t.branch,
      group: t.group,
      dependsOn: [...t.dependsOn],
      ...(t.model !== undefined ? { model: t.model } : {}),
    },
    dependencies: spec.dependencies.map((d) => ({
      id: d.id,
      name: d.name,
      description: d.description,
      resultText: d.resultText ?? null,
    })),
    ...(spec.model !== undefined ? { model: spec.model } : {}),
    ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
    ...(spec.previousFailure !== undefined ? { previousFailure: spec.previousFailure } : {}),
    ...(spec.workspace && subdir !== undefined
      ? {
          workspace: {
            base: spec.workspace.base,
            subdir,
            dependencies: spec.workspace.dependencies.map(({ id, head }) => ({ id, head })),
            previousHead: spec.workspace.previousHead ?? null,
          },
        }
      : {}),
  };
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

function commit(value: unknown, field: string): string {
  if (typeof value !== 'string' || !SHA.test(value)) {
    throw new Error(`job field ${field} must be a full commit sha`);
  }
  return value;
}

/** The workspace part of a job: commits as full shas, a subfolder that stays inside the worktree. */
function readWorkspace(value: unknown): JobWorkspace {
  if (typeof value !== 'object' || value === null) {
    throw new Error('job field workspace must be an object');
  }
  const w = value as Record<string, unknown>;
  const subdir = w.subdir ?? '';
  if (
    typeof subdir !== 'string' ||
    subdir.startsWith('/') ||
    subdir.split(/[\\/]/).includes('..') ||
    /[\0-\x1f]/.test(subdir)
  ) {
    throw new Error('job field workspace.subdir must be a folder inside the repository');
  }
  const deps = Array.isArray(w.dependencies) ? w.dependencies : [];
  return {
    base: commit(w.base, 'workspace.base'),
    subdir,
    dependencies: deps.map((x, i) => {
      const d = (x ?? {}) as Record<string, unknown>;
      if (!isTaskId(d.id))
        throw new Error(`job field workspace.dependencies[${i}].id is not a task id`);
      return { id: d.id, head: commit(d.head, `workspace.dependencies[${i}].head`) };
    }),
    previousHead: w.previousHead == null ? null : commit(w.previousHead, 'workspace.previousHead'),
  };
}

const MAX_TEXT = 100_000;

function text(value: unknown, field: string, optional = false): string | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || value.length > MAX_TEXT) {
    throw new Error(`job field ${field} must be a string`);
  }
  return value;
}

/** Reads a job's data back into NovaJobData, field by field; throws on anything malformed. */
export function readJobData(value: unknown): NovaJobData {
  if (typeof value !== 'object' || value === null) throw new Error('job data must be an object');
  const d = value as Record<string, unknown>;
  const t = d.task as Record<string, unknown> | undefined;
  if (typeof t !== 'object' || t === null) throw new Error('job field task must be an object');
  if (!isTaskId(t.id)) throw new Error('job field task.id is not a task id');
  const attempt = d.attempt;
  if (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1) {
    throw new Error('job field attempt must be a positive integer');
  }
  const deps = Array.isArray(t.dependsOn) ? t.dependsOn : [];
  const timeoutMs = d.timeoutMs;
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0)
  ) {
    throw new Error('job field timeoutMs must be a positive number');
  }
  const model = text(t.model, 'task.model', true);
  const runModel = text(d.model, 'model', true);
  const previousFailure = text(d.previousFailure, 'previousFailure', true);
  // The run names a folder of the worker's logs: letters and digits only, never a path.
  if (typeof d.run !== 'string' || !/^[A-Za-z0-9]{1,64}$/.test(d.run)) {
    throw new Error('job field run must be 1 to 64 letters and digits');
  }
  return {
    run: d.run,
    attempt,
    project: text(d.project, 'project')!,
    task: {
      id: t.id,
      name: text(t.name, 'task.name')!,
      description: text(t.description, 'task.description')!,
      branch: text(t.branch, 'task.branch')!,
      group: text(t.group, 'task.group')!,
      dependsOn: deps.filter(isTaskId),
      ...(model !== undefined ? { model } : {}),
    },
    dependencies: (Array.isArray(d.dependencies) ? d.dependencies : []).map((x, i) => {
      const dep = (x ?? {}) as Record<string, unknown>;
      if (!isTaskId(dep.id)) throw new Error(`job field dependencies[${i}].id is not a task id`);
      return {
        id: dep.id,
        name: text(dep.name, `dependencies[${i}].name`)!,
        description: text(dep.description, `dependencies[${i}].description`)!,
        resultText: dep.resultText == null ? null : text(dep.resultText, 'resultText')!,
      };
    }),
    ...(runModel !== undefined ? { model: runModel } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(previousFailure !== undefined ? { previousFailure } : {}),
    ...(d.workspace !== undefined ? { workspace: readWorkspace(d.workspace) } : {}),
  };
}

/** An outcome as a job's return value (JSON: the error object stays on the worker). */
export function outcomeToWire(o: ExecutionOutcome): Record<string, unknown> {
  const { cause: _cause, ...rest } = o as ExecutionOutcome & { cause?: unknown };
  return rest;
}

/** A job's return value back into an outcome; anything unreadable is a failure saying so. */
export function outcomeFromWire(value: unknown): ExecutionOutcome {
  const v = (typeof value === 'string' ? safeJson(value) : value) as Record<string, unknown>;
  if (typeof v !== 'object' || v === null || typeof v.ok !== 'boolean') {
    return failureOutcome('spawn_error', 'the worker returned no readable outcome', true);
  }
  const usage = { ...zeroUsage(), ...((v.usage as TokenUsage | undefined) ?? {}) };
  if (v.ok) return { ...(v as unknown as ExecutionOutcome), usage } as ExecutionOutcome;
  const kind = isFailureKind(v.kind) ? v.kind : 'spawn_error';
  return { ...(v as unknown as ExecutionOutcome), ok: false, kind, usage } as ExecutionOutcome;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
