import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createWorkspaces } from '../src/index.js';
import type { TaskHead, Workspaces } from '../src/types.js';

/** The test's own git calls: no inherited repository variables, and no index refresh on status. */
const ENV: NodeJS.ProcessEnv = (() => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LC_ALL: 'C',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_TERMINAL_PROMPT: '0',
  };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR']) {
    delete env[name];
  }
  return env;
})();

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: ENV, encoding: 'utf8', stdio: 'pipe' }).trim();
}

/** The sha `revision` names in `cwd`. */
export const sha = (cwd: string, revision = 'HEAD'): string => git(cwd, 'rev-parse', revision);

export function write(root: string, path: string, text: string | Buffer): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

export const read = (root: string, path: string): string => readFileSync(join(root, path), 'utf8');

/** `n` numbered lines: a file whose separate lines tasks can change without conflicting. */
export const lines = (n: number, label = 'line'): string =>
  `${Array.from({ length: n }, (_, i) => `${label} ${i + 1}`).join('\n')}\n`;

/** Replaces line `line` (1-based) of a file's text. */
export function replaceLine(text: string, line: number, replacement: string): string {
  const all = text.split('\n');
  all[line - 1] = replacement;
  return all.join('\n');
}

export interface TestRepo {
  /** A temporary folder holding the repository (`root`) and anything else the test wants. */
  tmp: string;
  root: string;
  cleanup(): void;
}

/** A repository with user.name/email set locally and one commit of `files`. */
export function makeRepo(
  files: Record<string, string> = { 'README.md': '# test\n', 'shared.txt': lines(30) },
  options: { identity?: boolean } = {},
): TestRepo {
  const tmp = mkdtempSync(join(tmpdir(), 'nova-workspace-'));
  const root = join(tmp, 'repo');
  mkdirSync(root);
  git(root, 'init', '-q', '-b', 'main');
  if (options.identity !== false) {
    git(root, 'config', 'user.name', 'Test User');
    git(root, 'config', 'user.email', 'test@example.invalid');
  }
  for (const [path, text] of Object.entries(files)) write(root, path, text);
  git(root, 'add', '-A');
  const id = options.identity === false ? ['-c', 'user.name=Setup', '-c', 'user.email=s@x'] : [];
  git(root, ...id, 'commit', '-q', '-m', 'initial');
  return { tmp, root, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

/** A workspace set for `repo` with its worktrees in `<root>/<folder>` (inside) or `<tmp>/worktrees`. */
export function workspacesFor(
  repo: TestRepo,
  options: { inside?: boolean; slug?: string; env?: NodeJS.ProcessEnv } = {},
): Workspaces {
  return createWorkspaces({
    repoRoot: repo.root,
    worktreesDir: options.inside ? join(repo.root, 'worktrees') : join(repo.tmp, 'worktrees'),
    projectSlug: options.slug ?? 'test-plan',
    env: options.env,
  });
}

const hash = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function hashTree(root: string, skip: Set<string>): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(root, path);
      if (skip.has(rel)) continue;
      if (entry.isDirectory()) visit(path);
      else out[rel] = hash(readFileSync(path));
    }
  };
  visit(root);
  return out;
}

/**
 * Everything of the user's that Nova must leave alone: every file of the work tree (byte hashes),
 * the index file's bytes, HEAD, the current branch and `git status`. The worktrees folder, when it
 * is inside, is Nova's and left out.
 */
export function userState(root: string, worktreesFolder = 'worktrees') {
  const gitDir = join(root, '.git');
  return {
    files: hashTree(root, new Set(['.git', worktreesFolder])),
    index: hash(readFileSync(join(gitDir, 'index'))),
    headFile: readFileSync(join(gitDir, 'HEAD'), 'utf8'),
    head: sha(root),
    branch: git(root, 'symbolic-ref', '--short', 'HEAD'),
    status: git(root, 'status', '--porcelain', '--untracked-files=all'),
  };
}

/** Makes the user's tree dirty in every way: a modified file, a staged file, an untracked file. */
export function dirtyUserTree(root: string): void {
  write(root, 'README.md', '# test\nuser edit, not committed\n');
  write(root, 'staged.txt', 'staged by the user\n');
  git(root, 'add', 'staged.txt');
  write(root, 'untracked.txt', 'untracked\n');
}

/** The files a commit changed relative to its first parent... or between two commits. */
export const changedFiles = (cwd: string, from: string, to: string): string[] =>
  git(cwd, 'diff', '--name-only', from, to).split('\n').filter(Boolean).sort();

/** A change that writes `files` (path → text) into a worktree. */
export const writeAll =
  (files: Record<string, string>) =>
  (path: string): void => {
    for (const [file, text] of Object.entries(files)) write(path, file, text);
  };

/** Runs a task as its agent would: prepare, `change` the worktree, finish. Resolves to the head. */
export async function runTask(
  ws: Workspaces,
  taskId: string,
  base: string,
  dependencies: TaskHead[],
  change: (path: string) => void,
): Promise<string> {
  const p = await ws.prepare({ taskId, base, dependencies });
  change(p.path);
  const f = await ws.finish({ taskId, message: `${taskId}: work`, startPoint: p.startPoint });
  return f.head;
}
