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

export function jobDataOf(spec: TaskRunSpec, run: string): NovaJobData {
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
