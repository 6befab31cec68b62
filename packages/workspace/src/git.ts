/**
 * The one way this package runs git: an argv array (never a shell), a cleaned environment, and a
 * typed error when git fails.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { WorkspaceError } from './errors.js';

/**
 * Variables that point git at a particular repository, index or object store. Inherited from a git
 * hook or a wrapper script, any of them would send Nova's commands to the wrong place.
 */
const REPOSITORY_VARIABLES = [
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_CONFIG',
  'GIT_CONFIG_COUNT',
  'GIT_CONFIG_PARAMETERS',
  'GIT_DIR',
  'GIT_GRAFT_FILE',
  'GIT_IMPLICIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_INTERNAL_SUPER_PREFIX',
  'GIT_NAMESPACE',
  'GIT_NO_REPLACE_OBJECTS',
  'GIT_OBJECT_DIRECTORY',
  'GIT_PREFIX',
  'GIT_QUARANTINE_PATH',
  'GIT_REPLACE_REF_BASE',
  'GIT_SHALLOW_FILE',
  'GIT_WORK_TREE',
];

/** A copy of `base` without the variables that point git at a repository. */
export function withoutRepositoryVariables(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of REPOSITORY_VARIABLES) delete env[name];
  for (const name of Object.keys(env)) {
    if (/^GIT_CONFIG_(KEY|VALUE)_\d+$/.test(name)) delete env[name];
  }
  return env;
}

/**
 * The environment for git: `base` without the repository variables, with
 * prompts off (a run has nobody to answer), C locale output (it is parsed), no optional locks (so
 * a status in the user's tree never rewrites their index) and no editor.
 */
export function cleanEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env = withoutRepositoryVariables(base);
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_OPTIONAL_LOCKS = '0';
  env.GIT_EDITOR = 'true';
  env.GIT_MERGE_AUTOEDIT = 'no';
  env.GIT_PAGER = 'cat';
  env.LC_ALL = 'C';
  return env;
}

/**
 * Settings for every command: Nova's commits and merges must not start a background `gc` in the
 * user's repository halfway through a run (it also races other tasks for ref locks).
 */
const ALWAYS = ['-c', 'gc.auto=0', '-c', 'maintenance.auto=false'];

export interface GitOptions {
  cwd: string;
  /** Already cleaned with cleanEnvironment. */
  env: NodeJS.ProcessEnv;
  /** Written to git's stdin (e.g. a commit message for `-F -`). */
  input?: string;
  /** Exit codes that are answers rather than failures (e.g. 1 for `merge-base --is-ancestor`). */
  ok?: readonly number[];
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

const STDERR_TAIL = 2000;
const LOCK_RETRIES = 6;

/**
 * Another git process is halfway through something this command reads: it holds a lock file, or
 * it is creating a worktree whose records are not written yet (`git worktree list` then fails
 * reading an empty `commondir`). Worth trying again shortly.
 */
const isRace = (stderr: string): boolean =>
  /\.lock'?: File exists/.test(stderr) ||
  /failed to read .*worktrees\/[^/]+\/(commondir|gitdir)/.test(stderr);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** How an argv reads in a message: each argument as written, quoted when it needs to be. */
export function showArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w./:=@^{}+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

function tail(text: string): string {
  const t = text.trimEnd();
  return t.length > STDERR_TAIL ? `…${t.slice(-STDERR_TAIL)}` : t;
}

function runOnce(args: readonly string[], options: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...ALWAYS, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    child.on('error', (error: NodeJS.ErrnoException) => {
      // Node reports a missing working folder as ENOENT too: git itself may be fine.
      if (error.code === 'ENOENT' && existsSync(options.cwd)) {
        reject(
          new WorkspaceError(
            'GIT_NOT_FOUND',
            'git was not found on PATH; worktree mode needs git 2.17 or later installed',
            { cause: error },
          ),
        );
      } else {
        reject(
          new WorkspaceError(
            'GIT_FAILED',
            `could not start git in ${options.cwd}: ${error.message}`,
            {
              cause: error,
              argv: ['git', ...args],
            },
          ),
        );
      }
    });
    child.on('close', (code, signal) => {
      resolve({
        code: code ?? (signal === null ? 1 : 128),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    if (options.input !== undefined) {
      child.stdin?.on('error', () => {
        // git may exit before reading its input; its exit status tells what happened.
      });
      child.stdin?.end(options.input);
    }
  });
}

/**
 * Runs `git <args>` in `options.cwd`. Resolves when git exits with 0 (or a code in `options.ok`);
 * otherwise throws GIT_FAILED with the argv and the end of stderr. A command that lost a race to
 * another task's git (a lock file, a worktree being created) is tried again a few times first.
 */
export async function git(args: readonly string[], options: GitOptions): Promise<GitResult> {
  for (let attempt = 0; ; attempt++) {
    const result = await runOnce(args, options);
    if (result.code === 0 || options.ok?.includes(result.code)) return result;
    if (attempt < LOCK_RETRIES && isRace(result.stderr)) {
      await sleep(20 * 2 ** attempt + Math.random() * 20);
      continue;
    }
    throw gitFailure(args, result);
  }
}

/** GIT_FAILED for `git <args>` that ended with `result`: the argv and the end of what it printed. */
export function gitFailure(args: readonly string[], result: GitResult): WorkspaceError {
  const argv = ['git', ...args];
  const stderrTail = tail(result.stderr || result.stdout);
  // git's own verdict ("fatal: ...") says more than the advice that may follow it.
  const lines = stderrTail.split('\n').filter((l) => l.trim() !== '');
  const line = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines.at(-1);
  return new WorkspaceError(
    'GIT_FAILED',
    `\`${showArgv(argv)}\` failed (exit ${result.code})${line ? `: ${line}` : ''}`,
    { argv, stderrTail },
  );
}

/**
 * Whether `revision` can go to git as a revision argument: a leading '-' would read as an option
 * (`--end-of-options` needs git 2.24), and NUL or newline cannot be part of one.
 */
export const isPlainRevision = (revision: string): boolean =>
  typeof revision === 'string' &&
  revision !== '' &&
  !revision.startsWith('-') &&
  !/[\0\n]/.test(revision);

/** The commit a revision names, or null when it names none. */
export async function resolveCommit(
  revision: string,
  options: Omit<GitOptions, 'ok'>,
): Promise<string | null> {
  if (!isPlainRevision(revision)) return null;
  const r = await git(['rev-parse', '-q', '--verify', `${revision}^{commit}`], {
    ...options,
    ok: [1, 128],
  });
  return r.code === 0 ? r.stdout.trim() : null;
}
