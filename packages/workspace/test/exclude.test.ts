/** A worktrees folder inside the repository: one info/exclude line, idempotent; status stays clean. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkspaces } from '../src/index.js';
import { git, makeRepo, read, type TestRepo, workspacesFor, write } from './helpers.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

const excludeLines = (root: string): string[] =>
  readFileSync(join(root, '.git', 'info', 'exclude'), 'utf8').split('\n');

describe('worktrees folder inside the repository', () => {
  it('adds exactly one line to info/exclude, once, and the user sees a clean status', async () => {
    repo = makeRepo();
    const original = excludeLines(repo.root);
    expect(git(repo.root, 'status', '--porcelain')).toBe('');
    const first = workspacesFor(repo, { inside: true });
    await first.prepare({ taskId: 'A', base: 'HEAD' });
    // A second set (a resumed run) and more tasks add nothing more.
    const second = workspacesFor(repo, { inside: true });
    await second.prepare({ taskId: 'B', base: 'HEAD' });
    write(second.pathFor('B'), 'work.txt', 'uncommitted work in a task\n');
    const after = excludeLines(repo.root);
    expect(after.length).toBe(original.length + 1);
    expect(after.filter((l) => l === '/worktrees/')).toHaveLength(1);
    expect(git(repo.root, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(existsSync(join(repo.root, '.gitignore'))).toBe(false);
  });

  it('excludes a nested folder by its path from the root, with glob characters escaped', async () => {
    repo = makeRepo({ 'tools/keep.txt': 'k\n' });
    const ws = createWorkspaces({
      repoRoot: repo.root,
      worktreesDir: join(repo.root, 'tools', 'nova [run]*'),
      projectSlug: 'p',
    });
    await ws.prepare({ taskId: 'T', base: 'HEAD' });
    expect(excludeLines(repo.root)).toContain('/tools/nova \\[run\\]\\*/');
    expect(git(repo.root, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    // The pattern matches that folder only: a sibling with a similar name still shows.
    write(repo.root, 'tools/nova run/x.txt', 'x\n');
    expect(git(repo.root, 'status', '--porcelain', '--untracked-files=all')).toBe(
      '?? "tools/nova run/x.txt"',
    );
  });

  it('writes nothing when the folder is outside the repository', async () => {
    repo = makeRepo();
    const before = read(repo.root, '.git/info/exclude');
    await workspacesFor(repo).prepare({ taskId: 'T', base: 'HEAD' });
    expect(read(repo.root, '.git/info/exclude')).toBe(before);
  });
});
