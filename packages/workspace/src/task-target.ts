/** The validated names and paths every per-task operation starts from. */
import type { Context, Ready } from './context.js';
import { worktreePath } from './context.js';
import { withLock } from './lock.js';
import { checkBranchName, taskBranch } from './naming.js';

export interface TaskTarget {
  ready: Ready;
  taskId: string;
  branch: string;
  path: string;
}

/**
 * Validates `taskId` (INVALID_TASK_ID / INVALID_BRANCH_NAME, git's own ref check included) and
 * runs `work` holding the task's lock: one operation per task at a time, any number of tasks at
 * once.
 */
export async function withTask<T>(
  context: Context,
  taskId: string,
  work: (target: TaskTarget) => Promise<T>,
): Promise<T> {
  const branch = taskBranch(context.slug, taskId);
  const ready = await context.ready();
  if (!context.checkedBranches.has(branch)) {
    await checkBranchName(taskId, branch, { cwd: ready.root, env: context.env });
    context.checkedBranches.add(branch);
  }
  const path = worktreePath(ready, taskId);
  return withLock(`task\0${path}`, () => work({ ready, taskId, branch, path }));
}
