/** Re-preparing, keepWork, reset, repairs, and pathFor. */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  git,
  makeRepo,
  read,
  runTask,
  sha,
  type TestRepo,
  workspacesFor,
  write,
  writeAll,
} from './helpers.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

/** Leaves work in a worktree as a dead attempt would: edits, new files, ignored files, a commit. */
function halfWrittenWork(path: string, commit: boolean): void {
  write(path, 'README.md', 'half-written edit\n');
  write(path, 'new/deep/file.txt', 'new\n');
  write(path, '.gitignore', 'build/\n');
  write(path, 'build/out.bin', 'ignored output\n');
  if (commit) {
    git(path, 'add', 'README.md');
    git(path, 'commit', '-q', '-m', 'attempt commit');
  }
}

describe('prepare again', () => {
  it('discards a dead attempt: uncommitted files, ignored files and its commits', async () => {
    repo = makeRepo();
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    const first = await ws.prepare({ taskId: 'T', base });
    halfWrittenWork(first.path, true);
    const again = await ws.prepare({ taskId: 'T', base });
    expect(again.path).toBe(first.path);
    expect(again.startPoint).toBe(base);
    expect(sha(again.path)).toBe(base);
    expect(git(repo.root, 'rev-parse', again.branch)).toBe(base);
    expect(read(again.path, 'README.md')).toBe('# test\n');
    expect(git(again.path, 'status', '--porcelain', '--ignored')).toBe('');
    expect(existsSync(join(again.path, 'build'))).toBe(false);
  });

  it('keepWork keeps uncommitted work and commits, and returns the original start point', async () => {
    repo = makeRepo();
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    const first = await ws.prepare({ taskId: 'T', base });
    write(first.path, 'done.txt', 'finished part\n');
    const finished = await ws.finish({ taskId: 'T', message: 'T: x', startPoint: base });
    halfWrittenWork(first.path, false);
    const again = await ws.prepare({ taskId: 'T', base, keepWork: true });
    expect(again.startPoint).toBe(base);
    expect(sha(again.path)).toBe(finished.head);
    expect(read(again.path, 'README.md')).toBe('half-written edit\n');
    expect(read(again.path, 'build/out.bin')).toBe('ignored output\n');
    const end = await ws.finish({ taskId: 'T', message: 'T: y', startPoint: again.startPoint });
    expect(end.files.map((f) => f.path).sort()).toEqual([
      '.gitignore',
      'README.md',
      'done.txt',
      'new/deep/file.txt',
    ]);
  });

  it('a new base for a task without dependencies moves its untouched branch there', async () => {
    repo = makeRepo();
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    await ws.prepare({ taskId: 'T', base });
    write(repo.root, 'later.txt', 'later\n');
    git(repo.root, 'add', 'later.txt');
    git(repo.root, 'commit', '-q', '-m', 'later');
    const newBase = sha(repo.root);
    const again = await ws.prepare({ taskId: 'T', base: newBase });
    expect(again.startPoint).toBe(newBase);
    expect(read(again.path, 'later.txt')).toBe('later\n');
  });

  it('recreates a worktree whose folder was deleted, and replaces a stray folder', async () => {
    repo = makeRepo();
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    const first = await ws.prepare({ taskId: 'T', base });
    rmSync(first.path, { recursive: true, force: true });
    const again = await ws.prepare({ taskId: 'T', base });
    expect(read(again.path, 'README.md')).toBe('# test\n');

    const stray = ws.pathFor('U');
    mkdirSync(stray, { recursive: true });
    write(stray, 'leftover.txt', 'from a crash\n');
    const u = await ws.prepare({ taskId: 'U', base });
    expect(existsSync(join(u.path, 'leftover.txt'))).toBe(false);
    expect(git(u.path, 'symbolic-ref', '--short', 'HEAD')).toBe('nova/test-plan/tasks/U');
  });

  it('refuses to throw away a merge in progress in the worktree', async () => {
    repo = makeRepo({ 'f.txt': 'base\n' });
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    const other = await runTask(ws, 'O', base, [], writeAll({ 'f.txt': 'other\n' }));
    const t = await ws.prepare({ taskId: 'T', base });
    write(t.path, 'f.txt', 'mine\n');
    git(t.path, 'commit', '-q', '-am', 'mine');
    expect(() => git(t.path, 'merge', other)).toThrow();
    await expect(ws.prepare({ taskId: 'T', base })).rejects.toMatchObject({
      code: 'MERGE_IN_PROGRESS',
    });
    expect(git(t.path, 'rev-parse', '-q', '--verify', 'MERGE_HEAD')).toBe(other);
  });

  it('reset puts a worktree back to its start point, merge state included', async () => {
    repo = makeRepo({ 'f.txt': 'base\n' });
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    const other = await runTask(ws, 'O', base, [], writeAll({ 'f.txt': 'other\n' }));
    const t = await ws.prepare({ taskId: 'T', base });
    write(t.path, 'f.txt', 'crashed attempt\n');
    git(t.path, 'commit', '-q', '-am', 'attempt');
    expect(() => git(t.path, 'merge', other)).toThrow();
    write(t.path, 'scratch.txt', 'x\n');
    await ws.reset('T', t.startPoint);
    expect(sha(t.path)).toBe(base);
    expect(git(repo.root, 'rev-parse', 'nova/test-plan/tasks/T')).toBe(base);
    expect(() => git(t.path, 'rev-parse', '-q', '--verify', 'MERGE_HEAD')).toThrow();
    expect(git(t.path, 'status', '--porcelain', '--ignored')).toBe('');
    // And with no worktree at all (cleaned), reset makes one.
    await ws.clean();
    await ws.reset('T', t.startPoint);
    expect(read(t.path, 'f.txt')).toBe('base\n');
    await expect(ws.reset('T', 'no-such-revision')).rejects.toMatchObject({
      code: 'UNKNOWN_COMMIT',
    });
  });

  it('pathFor joins the worktree with the subfolder the agent runs in', async () => {
    repo = makeRepo({ 'packages/app/index.ts': 'export {};\n' });
    const ws = workspacesFor(repo);
    const t = await ws.prepare({ taskId: 'T', base: 'HEAD' });
    expect(ws.pathFor('T')).toBe(t.path);
    expect(ws.pathFor('T', 'packages/app')).toBe(join(t.path, 'packages', 'app'));
    expect(read(ws.pathFor('T', 'packages/app'), 'index.ts')).toBe('export {};\n');
    expect(() => ws.pathFor('T', '../elsewhere')).toThrow(TypeError);
    expect(() => ws.pathFor('T', '/etc')).toThrow(TypeError);
  });

  it('reports unknown commits by what they were meant to be', async () => {
    repo = makeRepo();
    const ws = workspacesFor(repo);
    await expect(ws.prepare({ taskId: 'T', base: 'nope' })).rejects.toMatchObject({
      code: 'UNKNOWN_COMMIT',
      message: expect.stringContaining('task T: base "nope"'),
    });
    await expect(
      ws.prepare({ taskId: 'T', base: 'HEAD', dependencies: [{ id: 'A', head: '0'.repeat(40) }] }),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_COMMIT',
      message: expect.stringContaining("task T: dependency A's head"),
    });
  });
});
