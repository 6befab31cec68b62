/** Is this a repository worktree mode can use, and what state is the user's tree in? */
import { realpathSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { WorkspaceError } from './errors.js';
import { cleanEnvironment, git } from './git.js';

/** Worktrees as used here (`git worktree remove` in particular) need this git. */
export const MIN_GIT_VERSION = '2.17.0';

export interface RepositoryInfo {
  /** The top folder of the work tree that holds `dir` (the real path). */
  root: string;
  /** The repository's common git folder, shared by all its worktrees (the real path). */
  gitDir: string;
  /** The commit checked out (a full sha). */
  head: string;
  /** The branch checked out, or null when HEAD is detached. */
  branch: string | null;
  /** Whether the user's tree has uncommitted changes, untracked files that are not ignored included. */
  dirty: boolean;
  /** `dir` relative to `root` with `/` separators; '' at the root. */
  subdir: string;
  /** The version of git found, e.g. "2.39.5". */
  gitVersion: string;
}

export interface InspectOptions {
  /** The environment git runs with (PATH finds git); default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * Paths (absolute, or relative to `dir`) whose changes do not make the tree dirty: the caller's
   * own files inside the repository (a state file beside the plan, its logs).
   */
  ignore?: readonly string[];
}

/** `2.39.5` from `git version 2.39.5` (also `2.39.5.windows.1`, `2.39.3 (Apple Git-145)`). */
export function parseGitVersion(text: string): string | null {
  const m = /git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? `${m[1]}.${m[2]}.${m[3] ?? 0}` : null;
}

/** Whether version `a` (x.y.z) is at least `b`. */
export function versionAtLeast(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/** The installed git's version; GIT_NOT_FOUND or GIT_TOO_OLD when it cannot serve. */
export async function checkGitVersion(env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const r = await git(['--version'], { cwd, env });
  const version = parseGitVersion(r.stdout);
  if (version === null) {
    throw new WorkspaceError(
      'GIT_TOO_OLD',
      `cannot read the version of git (it printed ${JSON.stringify(r.stdout.trim())}); worktree mode needs git ${MIN_GIT_VERSION} or later`,
    );
  }
  if (!versionAtLeast(version, MIN_GIT_VERSION)) {
    throw new WorkspaceError(
      'GIT_TOO_OLD',
      `git ${version} is too old: worktree mode needs git ${MIN_GIT_VERSION} or later`,
    );
  }
  return version;
}

export interface RepositoryPaths {
  root: string;
  gitDir: string;
  subdir: string;
}

/** The work tree's root, common git folder and `dir`'s place in it; NOT_A_REPOSITORY otherwise. */
export async function locateRepository(
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<RepositoryPaths> {
  const absolute = existingFolder(dir);
  const r = await git(['rev-parse', '--show-toplevel', '--git-common-dir', '--show-prefix'], {
    cwd: absolute,
    env,
    ok: [128],
  });
  const [root, gitDir, prefix] = r.stdout.split('\n');
  if (r.code !== 0 || !root || !gitDir) {
    const why = /must be run in a work tree/.test(r.stderr)
      ? 'is inside a git folder or a bare repository, not in a work tree'
      : 'is not inside a git repository';
    throw new WorkspaceError('NOT_A_REPOSITORY', `${absolute} ${why}`);
  }
  return {
    root: realpathSync(root),
    gitDir: realpathSync(resolve(absolute, gitDir)),
    subdir: (prefix ?? '').replace(/\/$/, ''),
  };
}

/**
 * Inspects the repository around `dir` without changing anything in it (not even the index's
 * cached stat data). Throws WorkspaceError GIT_NOT_FOUND, GIT_TOO_OLD, NOT_A_REPOSITORY or
 * NO_COMMITS.
 */
export async function inspectRepository(
  dir: string,
  options: InspectOptions = {},
): Promise<RepositoryInfo> {
  const env = cleanEnvironment(options.env);
  const cwd = existingFolder(dir);
  const gitVersion = await checkGitVersion(env, cwd);
  const { root, gitDir, subdir } = await locateRepository(cwd, env);
  const head = await git(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], {
    cwd: root,
    env,
    ok: [1, 128],
  });
  if (head.code !== 0) {
    throw new WorkspaceError(
      'NO_COMMITS',
      `the repository at ${root} has no commits yet; worktree mode starts tasks from a commit (make a first commit)`,
    );
  }
  const [branch, status] = await Promise.all([
    git(['symbolic-ref', '-q', '--short', 'HEAD'], { cwd: root, env, ok: [1] }),
    git(
      [
        'status',
        '--porcelain',
        '-z',
        '--untracked-files=normal',
        '--',
        '.',
        // Literal pathspecs: a caller's path is never read as a glob or magic.
        ...(options.ignore ?? []).map(
          (p) => `:(exclude,literal)${relative(root, resolve(cwd, p)) || '.'}`,
        ),
      ],
      { cwd: root, env },
    ),
  ]);
  return {
    root,
    gitDir,
    head: head.stdout.trim(),
    branch: branch.code === 0 ? branch.stdout.trim() : null,
    dirty: status.stdout.length > 0,
    subdir,
    gitVersion,
  };
}

/** `dir` made absolute; NOT_A_REPOSITORY when it is not a folder (git cannot even start there). */
function existingFolder(dir: string): string {
  const absolute = resolve(dir);
  let isDirectory = false;
  try {
    isDirectory = statSync(absolute).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new WorkspaceError('NOT_A_REPOSITORY', `${absolute} is not a folder`);
  return absolute;
}
