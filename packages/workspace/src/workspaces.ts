import { realpathSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { cleanWorktrees, releaseWorktree } from './clean.js';
import { createContext } from './context.js';
import { finishTask } from './finish.js';
import { resolveCommit } from './git.js';
import { projectSlug, resultBranch, taskBranch } from './naming.js';
import { adoptTask, prepareTask, resetTask } from './prepare.js';
import { fetchRemote, pushRemote } from './remote.js';
import { mergeResult } from './result.js';
import type { Workspaces, WorkspacesOptions } from './types.js';

/** `subdir` as a path inside a worktree; a TypeError when it would leave it. */
function insideSubdir(subdir: string): string {
  const normal = normalize(subdir === '' ? '.' : subdir);
  if (isAbsolute(subdir) || normal.split(sep)[0] === '..') {
    throw new TypeError(
      `pathFor: subdir ${JSON.stringify(subdir)} must be a path inside the repository`,
    );
  }
  return normal;
}

/**
 * One run's task worktrees in one repository. Creating the set checks nothing and runs nothing;
 * the first operation checks git (GIT_NOT_FOUND, GIT_TOO_OLD), the repository (NOT_A_REPOSITORY),
 * creates the worktrees folder and, when it is inside the repository, excludes it.
 */
export function createWorkspaces(options: WorkspacesOptions): Workspaces {
  const slug = options.projectSlug;
  if (typeof slug !== 'string' || slug === '' || projectSlug(slug) !== slug) {
    throw new TypeError(
      `createWorkspaces: projectSlug ${JSON.stringify(slug)} is not a slug (make one with projectSlug(name))`,
    );
  }
  const context = createContext({
    repoRoot: options.repoRoot,
    worktreesDir: options.worktreesDir,
    slug,
    env: options.env,
  });
  return {
    repoRoot: context.repoRoot,
    worktreesDir: context.dir,
    projectSlug: slug,
    resultBranch: resultBranch(slug),
    branchFor: (taskId) => taskBranch(slug, taskId),
    pathFor(taskId, subdir = '') {
      taskBranch(slug, taskId);
      let dir = context.dir;
      try {
        dir = realpathSync(dir); // git knows worktrees by real path; so does everything returned
      } catch {
        // not created yet
      }
      return join(dir, taskId, insideSubdir(subdir));
    },
    prepare: (prepareOptions) => prepareTask(context, prepareOptions),
    finish: (finishOptions) => finishTask(context, finishOptions),
    reset: (taskId, startPoint) => resetTask(context, taskId, startPoint),
    mergeResult: (resultOptions) => mergeResult(context, resultOptions),
    clean: () => cleanWorktrees(context),
    release: (taskId) => releaseWorktree(context, taskId),
    async commitOf(revision) {
      const { root } = await context.ready();
      return resolveCommit(revision, { cwd: root, env: context.env });
    },
    fetch: (url, refspecs) => fetchRemote(context, url, refspecs),
    push: (url, refspecs) => pushRemote(context, url, refspecs),
    adopt: (taskId, commit) => adoptTask(context, taskId, commit),
  };
}
