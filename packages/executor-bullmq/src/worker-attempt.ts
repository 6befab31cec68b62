/**
 * What a worker makes of a job around the attempt itself: the spec a LocalExecutor runs, and the
 * failures that are about this machine or the shared remote rather than the task.
 */
import {
  type ExecutionFailure,
  failureOutcome,
  type TaskRunSpec,
} from '@program-nova/orchestrator';
import { showRemote, type Workspaces } from '@program-nova/workspace';
import type { readJobData } from './job-data.js';

type JobData = ReturnType<typeof readJobData>;

/** The TaskRunSpec a LocalExecutor needs, from a job's data (nothing else of the job is read). */
export function specOf(data: JobData): TaskRunSpec {
  return {
    task: { ...data.task, line: 0, fields: {} },
    project: data.project,
    dependencies: data.dependencies,
    attempt: data.attempt,
    rank: 0,
    workerId: 'queue',
    ...(data.model !== undefined ? { model: data.model } : {}),
    ...(data.timeoutMs !== undefined ? { timeoutMs: data.timeoutMs } : {}),
    ...(data.workspace
      ? {
          workspace: {
            base: data.workspace.base,
            dependencies: data.workspace.dependencies.map((d) => ({ ...d, branch: '' })),
          },
        }
      : {}),
    ...(data.previousFailure !== undefined ? { previousFailure: data.previousFailure } : {}),
  };
}

/**
 * A failure outside the task (the shared remote cannot be reached): the run stops with tasks
 * pending instead of failing task after task, as it does for an unusable logs folder.
 */
export function environmentFailure(taskId: string, what: string, error: unknown): ExecutionFailure {
  const why = error instanceof Error ? error.message : String(error);
  return {
    ...failureOutcome('interrupted', `Task ${taskId}: ${what}: ${why}`, true),
    environment: { path: null, errno: null },
  };
}

/** A merge conflict's message with how to resolve it through the shared remote. */
export function conflictAdvice(
  message: string,
  workspaces: Workspaces,
  id: string,
  data: JobData,
  url: string,
): string {
  const what = message.split('; resolve it on branch')[0] ?? message;
  const deps = data.workspace?.dependencies ?? [];
  const first = deps[0] ? workspaces.branchFor(deps[0].id) : null;
  const others = deps.slice(1).map((d) => workspaces.branchFor(d.id));
  const remote = showRemote(url);
  return `${what}; resolve it in any clone of ${remote}: fetch it, create branch ${workspaces.branchFor(id)}${first ? ` from ${first}` : ''}, \`git merge\` ${others.join(' and ') || 'the other dependencies'} there, fix the conflicts, commit, \`git push\` the branch to ${remote}, then \`nova retry ${id}\``;
}
