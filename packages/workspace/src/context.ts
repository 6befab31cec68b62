/**
 * What every operation of one workspace set shares: the repository, the worktrees folder, the
 * cleaned environment, and the one-time checks (git version, repository, folder, exclude line).
 */
import { mkdirSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { WorkspaceError } from './errors.js';
import { excludeFolder } from './exclude.js';
import type { GitOptions, GitResult } from './git.js';
import { cleanEnvironment, git, resolveCommit } from './git.js';
import { checkGitVersion, locateRepository, versionAtLeast } from './repository.js';

/** The author and committer of Nova's commits in a repository that has no identity configured. */
export const NOVA_IDENTITY = Object.freeze({ name: 'Nova', email: 'nova@program-nova.invalid' });

export interface Ready {
  root: string;
  gitDir: string;
  gitVersion: string;
  /** The worktrees folder's real path: git records worktrees by real path. */
  dir: string;
}

export interface Context {
  readonly repoRoot: string;
  /** The worktrees folder as given, made absolute. */
  readonly dir: string;
  readonly slug: string;
  readonly env: NodeJS.ProcessEnv;
  /** Branch names git's check-ref-format has accepted (its answer cannot change). */
  readonly checkedBranches: Set<string>;
  ready(): Promise<Ready>;
  /** Runs git in `cwd` (default: the repository root) with the cleaned environment. */
  git(args: readonly string[], cwd?: string, extra?: Partial<GitOptions>): Promise<GitResult>;
  /** `revision` as a full sha; UNKNOWN_COMMIT (naming `what`) when it is no commit here. */
  commit(revision: string, what: string): Promise<string>;
  /** `-c` options for a commit or merge Nova makes (identity, no signing prompt). */
  commitOptions(): Promise<string[]>;
  /** Extra `git merge` options (hooks skipped where git can skip them). */
  mergeOptions(): Promise<string[]>;
}

export function createContext(options: {
  repoRoot: string;
  worktreesDir: string;
  slug: string;
  env?: NodeJS.ProcessEnv;
}): Context {
  const repoRoot = resolve(options.repoRoot);
  const dir = resolve(options.worktreesDir);
  const env = cleanEnvironment(options.env);
  let ready: Promise<Ready> | null = null;
  let identity: Promise<string[]> | null = null;

  const prepareOnce = async (): Promise<Ready> => {
    const gitVersion = await checkGitVersion(env, repoRoot);
    const { root, gitDir } = await locateRepository(repoRoot, env);
    mkdirSync(dir, { recursive: true });
    const realDir = realpathSync(dir);
    const inRepo = relative(root, realDir);
    if (inRepo === '') {
      throw new TypeError(`worktreesDir must not be the repository's root folder (${root})`);
    }
    const insideGitDir = realDir === gitDir || realDir.startsWith(gitDir + sep);
    if (!insideGitDir && !inRepo.startsWith('..') && !isAbsolute(inRepo)) {
      excludeFolder(gitDir, inRepo);
    }
    return { root, gitDir, gitVersion, dir: realDir };
  };

  const context: Context = {
    repoRoot,
    dir,
    slug: options.slug,
    env,
    checkedBranches: new Set(),
    ready() {
      ready ??= prepareOnce().catch((error: unknown) => {
        ready = null; // a missing git or folder can be fixed while the process lives
        throw error;
      });
      return ready;
    },
    async git(args, cwd, extra) {
      const at = cwd ?? (await context.ready()).root;
      return git(args, { ...extra, cwd: at, env });
    },
    async commit(revision, what) {
      const { root } = await context.ready();
      const sha = await resolveCommit(revision, { cwd: root, env });
      if (sha === null) {
        throw new WorkspaceError(
          'UNKNOWN_COMMIT',
          `${what} ${JSON.stringify(revision)} is not a commit in the repository at ${root}`,
        );
      }
      return sha;
    },
    commitOptions() {
      identity ??= (async () => {
        const r = await context.git(
          ['config', '--get-regexp', '^user\\.(name|email)$'],
          undefined,
          {
            ok: [1],
          },
        );
        const set = new Set(
          r.stdout
            .split('\n')
            .filter((line) => /^user\.(name|email) \S/.test(line))
            .map((line) => line.slice(0, line.indexOf(' '))),
        );
        const own = set.has('user.name') && set.has('user.email');
        return [
          ...(own
            ? []
            : ['-c', `user.name=${NOVA_IDENTITY.name}`, '-c', `user.email=${NOVA_IDENTITY.email}`]),
          // A signing setup that asks for a passphrase would hang a run that has nobody to type it.
          '-c',
          'commit.gpgSign=false',
        ];
      })().catch((error: unknown) => {
        identity = null;
        throw error;
      });
      return identity;
    },
    async mergeOptions() {
      // `merge --no-verify` (skip pre-merge-commit and commit-msg hooks) exists from git 2.24.
      const { gitVersion } = await context.ready();
      return versionAtLeast(gitVersion, '2.24.0') ? ['--no-verify'] : [];
    },
  };
  return context;
}

/** The worktree folder of a task (under the real worktrees folder). */
export const worktreePath = (ready: Ready, taskId: string): string => join(ready.dir, taskId);
