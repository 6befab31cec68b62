/**
 * A git remote that several machines share: a worker fetches its inputs from it and pushes its
 * task's branch back; the orchestrator pushes the run's base and fetches the tasks' work. The
 * URL comes from the caller's own configuration (never from a queue), yet it is still checked
 * so that it can only ever be read as a repository, and any password in it stays out of messages.
 */
import { mkdirSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { maskCredentials } from '@program-nova/core';
import type { Context } from './context.js';
import { WorkspaceError } from './errors.js';
import { cleanEnvironment, git } from './git.js';
import { withLock } from './lock.js';
import { checkGitVersion, versionAtLeast } from './repository.js';

/**
 * INVALID_REMOTE unless `url` can only be read as a repository: not an option (`-...`), no
 * control characters, and no `ext::`/`fd::` transport (they run commands; git refuses them by
 * default, but a user's config may not).
 */
export function assertRemoteUrl(url: unknown): asserts url is string {
  const why =
    typeof url !== 'string' || url.trim() === ''
      ? 'is empty'
      : url.startsWith('-')
        ? 'starts with "-"'
        : /[\0-\x1f\x7f]/.test(url)
          ? 'contains a control character'
          : /^(ext|fd)::/i.test(url)
            ? 'uses a transport that runs commands'
            : null;
  if (why !== null) {
    throw new WorkspaceError(
      'INVALID_REMOTE',
      `${JSON.stringify(showRemote(String(url)))} cannot be a git remote: it ${why}`,
    );
  }
}

/** `url` as people may see it: a password (or a token as user name) masked, as everywhere. */
export function showRemote(url: string): string {
  return maskCredentials(url);
}

/** A failed fetch or push as REMOTE_FAILED, with any URL's password masked wherever git repeated it. */
function remoteFailure(what: string, url: string, error: unknown): WorkspaceError {
  const detail =
    error instanceof WorkspaceError && error.code === 'GIT_FAILED'
      ? ((error.stderrTail ?? error.message)
          .split('\n')
          .filter((l) => l.trim() !== '')
          .find((l) => /^(fatal|error):/.test(l)) ?? error.message)
      : error instanceof Error
        ? error.message
        : String(error);
  return new WorkspaceError(
    'REMOTE_FAILED',
    `cannot ${what} ${showRemote(url)}: ${maskCredentials(detail).replace(/^(fatal|error): /, '')}`,
    { cause: error },
  );
}

/** Fetches `refspecs` from `url`, one fetch at a time per repository in this process. */
export async function fetchRemote(
  context: Context,
  url: string,
  refspecs: readonly string[],
): Promise<void> {
  assertRemoteUrl(url);
  const { gitDir, gitVersion } = await context.ready();
  // Fetches of one repository share FETCH_HEAD (git 2.29 can leave it alone).
  const quiet = versionAtLeast(gitVersion, '2.29.0') ? ['--no-write-fetch-head'] : [];
  await withLock(`fetch\0${gitDir}`, async () => {
    try {
      await context.git(['fetch', '-q', '--no-tags', ...quiet, url, ...refspecs]);
    } catch (error) {
      throw remoteFailure('fetch from', url, error);
    }
  });
}

/** Pushes `refspecs` to `url`. */
export async function pushRemote(
  context: Context,
  url: string,
  refspecs: readonly string[],
): Promise<void> {
  assertRemoteUrl(url);
  try {
    await context.git(['push', '-q', '--no-verify', url, ...refspecs]);
  } catch (error) {
    throw remoteFailure('push to', url, error);
  }
}

/** The remote's refs whose names start with `prefix` (`git ls-remote`), name to commit. */
export async function listRemote(
  url: string,
  prefix: string,
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Map<string, string>> {
  assertRemoteUrl(url);
  const env = cleanEnvironment(options.env);
  let out: string;
  try {
    out = (await git(['ls-remote', '--refs', url, `${prefix}*`], { cwd: options.cwd, env })).stdout;
  } catch (error) {
    throw remoteFailure('reach', url, error);
  }
  const refs = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [sha, name] = line.split('\t');
    if (sha && name) refs.set(name, sha);
  }
  return refs;
}

/**
 * A repository of this machine's own for a shared remote's work (`git init` when `dir` is not one
 * yet): it holds only what is fetched into it, and task worktrees are made from it. Resolves
 * `dir`'s real path.
 */
export async function initRepository(
  dir: string,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const env = cleanEnvironment(options.env);
  mkdirSync(resolve(dir), { recursive: true });
  const root = realpathSync(resolve(dir));
  await checkGitVersion(env, root);
  const inside = await git(['rev-parse', '--show-toplevel'], { cwd: root, env, ok: [128] });
  // A folder inside another repository (a worker's folder in a checkout) gets one of its own.
  if (inside.code !== 0 || realpathSync(inside.stdout.trim()) !== root) {
    await git(['init', '-q', root], { cwd: root, env });
  }
  return root;
}
