/**
 * Creating, repairing and removing task worktrees. `git worktree add/remove/prune` edit the
 * repository's shared worktree records, so they take turns (one lock per repository); checking
 * files out, which is the slow part, runs in parallel inside each worktree.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, Ready } from './context.js';
import { WorkspaceError } from './errors.js';
import { withLock } from './lock.js';

export interface WorktreeEntry {
  path: string;
  head: string | null;
  /** `refs/heads/...`, or null when detached. */
  branch: string | null;
}

/** `git worktree list --porcelain`, parsed. */
export async function listWorktrees(context: Context): Promise<WorktreeEntry[]> {
  const r = await context.git(['worktree', 'list', '--porcelain']);
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | null = null;
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('worktree ')) {
      current = { path: line.slice('worktree '.length), head: null, branch: null };
      entries.push(current);
    } else if (current !== null && line.startsWith('HEAD ')) {
      current.head = line.slice('HEAD '.length);
    } else if (current !== null && line.startsWith('branch ')) {
      current.branch = line.slice('branch '.length);
    }
  }
  return entries;
}

/** Runs `work` holding the repository's worktree-records lock. */
export const withAdminLock = <T>(ready: Ready, work: () => Promise<T>): Promise<T> =>
  withLock(`worktree-admin\0${ready.gitDir}`, work);

/** A fresh worktree at `path` with `branch` set to `commit` (created, or moved there). */
async function addWorktree(
  context: Context,
  ready: Ready,
  path: string,
  branch: string,
  commit: string,
  stale: boolean,
): Promise<void> {
  await withAdminLock(ready, async () => {
    if (stale) {
      // A folder git no longer knows, or a record whose folder is gone: a crashed attempt's
      // leftovers inside Nova's own worktrees folder.
      rmSync(path, { recursive: true, force: true });
      await context.git(['worktree', 'prune']);
    }
    await context.git(['worktree', 'add', '--no-checkout', '-B', branch, path, commit]);
  });
  await context.git(['reset', '-q', '--hard'], path);
}

/** BRANCH_IN_USE when `branch` is checked out in a worktree other than `path`. */
export function assertBranchFree(entries: WorktreeEntry[], branch: string, path: string | null) {
  const holder = entries.find((e) => e.branch === `refs/heads/${branch}` && e.path !== path);
  if (holder !== undefined) {
    throw new WorkspaceError(
      'BRANCH_IN_USE',
      `branch ${branch} is checked out in ${holder.path}; switch that worktree to another branch (or remove it with \`git worktree remove\`) and try again`,
    );
  }
}

export interface EnsureOptions {
  /** Leave the files alone when the worktree is already on `branch` at `commit`. */
  keep: boolean;
  /** A merge in progress in the worktree is thrown away rather than reported. */
  discardMerge: boolean;
}

/**
 * Makes `path` a worktree on `branch` at `commit` with nothing uncommitted (unless `keep`
 * applies): reuses a healthy worktree (`checkout -f -B` + `clean -ffdx` inside it, nowhere else),
 * repairs a broken one, creates a missing one. Never touches a branch checked out elsewhere.
 * Resolves true when files were kept.
 */
export async function ensureWorktree(
  context: Context,
  ready: Ready,
  path: string,
  branch: string,
  commit: string,
  options: EnsureOptions,
): Promise<boolean> {
  const entries = await listWorktrees(context);
  assertBranchFree(entries, branch, path);
  const mine = entries.find((e) => e.path === path);
  const healthy = mine !== undefined && existsSync(join(path, '.git'));
  if (!healthy) {
    await addWorktree(context, ready, path, branch, commit, mine !== undefined || existsSync(path));
    return false;
  }
  if (!options.discardMerge) {
    const merging = await context.git(['rev-parse', '-q', '--verify', 'MERGE_HEAD'], path, {
      ok: [1],
    });
    if (merging.code === 0) {
      throw new WorkspaceError(
        'MERGE_IN_PROGRESS',
        `a merge is in progress in ${path}; finish it there (resolve, \`git add\`, \`git commit\`) or abort it (\`git merge --abort\`), then try again`,
      );
    }
  }
  if (options.keep && mine.branch === `refs/heads/${branch}` && mine.head === commit) return true;
  await context.git(['checkout', '-q', '-f', '-B', branch, commit], path);
  await context.git(['clean', '-q', '-ffdx'], path);
  return false;
}

/** Removes a worktree folder and git's record of it; leftovers are deleted and pruned. */
export async function removeWorktree(context: Context, ready: Ready, path: string): Promise<void> {
  await withAdminLock(ready, async () => {
    const r = await context.git(['worktree', 'remove', '--force', path], undefined, {
      ok: [1, 128],
    });
    if (r.code !== 0 || existsSync(path)) {
      rmSync(path, { recursive: true, force: true });
      await context.git(['worktree', 'prune']);
    }
  });
}
