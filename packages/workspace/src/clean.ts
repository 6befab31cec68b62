/**
 * Removing a run's worktrees (its branches stay: they hold the work). The folder itself stays, with
 * anything in it that Nova did not make.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { Context } from './context.js';
import { RECORDS_FOLDER } from './start-record.js';
import { withTask } from './task-target.js';
import type { CleanResult } from './types.js';
import { listWorktrees, removeWorktree, withAdminLock } from './worktrees.js';

/**
 * Entries of the worktrees folder that Nova made: temporary result folders, start records, and
 * folders that are (or were) worktrees, told by their `.git` file. Any name can be a task id, so
 * names alone do not say.
 */
function isNovas(dir: string, name: string): boolean {
  if (name.startsWith('.result-') || name === RECORDS_FOLDER) return true;
  try {
    return statSync(join(dir, name, '.git')).isFile();
  } catch {
    return false;
  }
}

export async function cleanWorktrees(context: Context): Promise<CleanResult> {
  const ready = await context.ready();
  const removed: string[] = [];
  for (const entry of await listWorktrees(context)) {
    if (!entry.path.startsWith(ready.dir + sep)) continue;
    await removeWorktree(context, ready, entry.path);
    removed.push(entry.path);
  }
  let left: string[] = [];
  try {
    left = readdirSync(ready.dir);
  } catch {
    // the folder is gone already
  }
  for (const name of left.filter((n) => isNovas(ready.dir, n))) {
    rmSync(join(ready.dir, name), { recursive: true, force: true });
  }
  await withAdminLock(ready, () => context.git(['worktree', 'prune']));
  return { removed };
}

/**
 * Removes one task's worktree folder: its branch and start record stay, so a later prepare makes
 * the folder again from them. Resolves whether there was one.
 */
export function releaseWorktree(context: Context, taskId: string): Promise<boolean> {
  return withTask(context, taskId, async (target) => {
    const known = (await listWorktrees(context)).some((e) => e.path === target.path);
    if (!known) return false;
    await removeWorktree(context, target.ready, target.path);
    return true;
  });
}
