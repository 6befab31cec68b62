/** mergeResult's cases and conflicts; clean removes worktrees and keeps branches. */
import { existsSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  changedFiles,
  git,
  makeRepo,
  runTask,
  sha,
  type TestRepo,
  userState,
  workspacesFor,
  write,
  writeAll,
} from './helpers.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

describe('mergeResult', () => {
  it('no sinks: the base; one sink: its head, without a merge commit', async () => {
    repo = makeRepo();
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    expect(await ws.mergeResult({ sinks: [], base })).toEqual({
      branch: 'nova/test-plan/result',
      head: base,
    });
    const a = await runTask(ws, 'A', base, [], writeAll({ 'a.txt': 'a\n' }));
    expect((await ws.mergeResult({ sinks: [{ id: 'A', head: a }], base })).head).toBe(a);
    expect(git(repo.root, 'rev-parse', 'nova/test-plan/result')).toBe(a);
  });

  it('a conflict between sinks throws MERGE_CONFLICT and leaves the result branch as it was', async () => {
    repo = makeRepo({ 'f.txt': 'base\n' });
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    const b = await runTask(ws, 'B', base, [], writeAll({ 'f.txt': 'B\n' }));
    const c = await runTask(ws, 'C', base, [], writeAll({ 'f.txt': 'C\n', 'c.txt': 'c\n' }));
    await ws.mergeResult({ sinks: [{ id: 'B', head: b }], base });
    const before = userState(repo.root);
    const error = await ws
      .mergeResult({
        sinks: [
          { id: 'B', head: b },
          { id: 'C', head: c },
        ],
        base,
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'MERGE_CONFLICT',
      conflicts: { files: ['f.txt'], tasks: ['B', 'C'] },
    });
    expect((error as Error).message).not.toContain('\n');
    expect(git(repo.root, 'rev-parse', 'nova/test-plan/result')).toBe(b);
    expect(userState(repo.root)).toEqual(before);
    // No temporary worktree is left behind.
    expect(git(repo.root, 'worktree', 'list', '--porcelain')).not.toContain('.result-');
  });

  it('moves the result branch to a new merge on a later call', async () => {
    repo = makeRepo();
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    const a = await runTask(ws, 'A', base, [], writeAll({ 'a.txt': 'a\n' }));
    const b = await runTask(ws, 'B', base, [], writeAll({ 'b.txt': 'b\n' }));
    const first = await ws.mergeResult({ sinks: [{ id: 'A', head: a }], base });
    const second = await ws.mergeResult({
      sinks: [
        { id: 'A', head: a },
        { id: 'B', head: b },
      ],
      base,
    });
    expect(second.head).not.toBe(first.head);
    expect(changedFiles(repo.root, base, second.head)).toEqual(['a.txt', 'b.txt']);
  });

  it("refuses to move the result branch while it is checked out (e.g. in the user's tree)", async () => {
    repo = makeRepo();
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    const a = await runTask(ws, 'A', base, [], writeAll({ 'a.txt': 'a\n' }));
    await ws.mergeResult({ sinks: [], base });
    git(repo.root, 'switch', '-q', 'nova/test-plan/result');
    await expect(ws.mergeResult({ sinks: [{ id: 'A', head: a }], base })).rejects.toMatchObject({
      code: 'BRANCH_IN_USE',
    });
    expect(sha(repo.root)).toBe(base);
  });
});

describe('clean', () => {
  it('removes the worktrees (and leftovers), keeps the branches and anything not Nova’s', async () => {
    repo = makeRepo();
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    const a = await runTask(ws, 'A', base, [], writeAll({ 'a.txt': 'a\n' }));
    const pb = await ws.prepare({ taskId: 'B', base });
    write(pb.path, 'uncommitted.txt', 'x\n');
    write(ws.worktreesDir, 'notes.md', 'the user keeps notes here\n');
    const { removed } = await ws.clean();
    expect(removed.sort()).toEqual([ws.pathFor('A'), ws.pathFor('B')]);
    expect(existsSync(ws.pathFor('A'))).toBe(false);
    expect(readdirSync(ws.worktreesDir)).toEqual(['notes.md']);
    expect(git(repo.root, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    expect(git(repo.root, 'rev-parse', 'nova/test-plan/tasks/A')).toBe(a);
    expect(git(repo.root, 'rev-parse', 'nova/test-plan/tasks/B')).toBe(base);
    // Usable again afterwards.
    const again = await ws.prepare({ taskId: 'C', base });
    expect(existsSync(again.path)).toBe(true);
  });
});
