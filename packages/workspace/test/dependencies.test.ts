/** A → (B, C) → D: start points from dependency heads, merge conflicts, and a user's resolution. */
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskHead, Workspaces } from '../src/index.js';
import { WorkspaceError } from '../src/index.js';
import {
  changedFiles,
  git,
  lines,
  makeRepo,
  read,
  replaceLine,
  runTask,
  sha,
  type TestRepo,
  userState,
  workspacesFor,
  write,
} from './helpers.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

const editLine = (line: number, text: string) => (path: string) =>
  write(path, 'shared.txt', replaceLine(read(path, 'shared.txt'), line, text));

/** A adds a.txt; B and C each add their file and edit shared.txt at the given lines. */
async function diamondUpToD(ws: Workspaces, base: string, bLine: number, cLine: number) {
  const a = await runTask(ws, 'A', base, [], (p) => write(p, 'a.txt', 'A\n'));
  const b = await runTask(ws, 'B', base, [{ id: 'A', head: a }], (p) => {
    write(p, 'b.txt', 'B\n');
    editLine(bLine, 'changed by B')(p);
  });
  const c = await runTask(ws, 'C', base, [{ id: 'A', head: a }], (p) => {
    write(p, 'c.txt', 'C\n');
    editLine(cLine, 'changed by C')(p);
  });
  return { a, b, c };
}

/** The diamond with B and C editing line 10 of shared.txt: D's prepare has failed on the conflict. */
async function conflictedDiamond() {
  repo = makeRepo();
  const base = sha(repo.root);
  const ws = workspacesFor(repo);
  const { b, c } = await diamondUpToD(ws, base, 10, 10);
  const deps: TaskHead[] = [
    { id: 'B', head: b },
    { id: 'C', head: c },
  ];
  await expect(ws.prepare({ taskId: 'D', base, dependencies: deps })).rejects.toMatchObject({
    code: 'MERGE_CONFLICT',
  });
  return { ws, base, deps };
}

describe('dependencies', () => {
  it("one dependency: the task starts at that dependency's head", async () => {
    repo = makeRepo();
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    const a = await runTask(ws, 'A', base, [], (p) => write(p, 'a.txt', 'A\n'));
    const p = await ws.prepare({ taskId: 'B', base, dependencies: [{ id: 'A', head: a }] });
    expect(p.startPoint).toBe(a);
    expect(p.contains).toEqual([{ id: 'A', head: a }]);
    expect(read(p.path, 'a.txt')).toBe('A\n');
  });

  it("diamond: D's worktree holds A's, B's and C's work, merged by Nova before the agent", async () => {
    repo = makeRepo();
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    const { a, b, c } = await diamondUpToD(ws, base, 3, 20);
    const d = await ws.prepare({
      taskId: 'D',
      base,
      dependencies: [
        { id: 'B', head: b },
        { id: 'C', head: c },
      ],
    });
    expect(d.contains).toEqual([
      { id: 'B', head: b },
      { id: 'C', head: c },
    ]);
    for (const [file, text] of [
      ['a.txt', 'A\n'],
      ['b.txt', 'B\n'],
      ['c.txt', 'C\n'],
    ] as const) {
      expect(read(d.path, file)).toBe(text);
    }
    const shared = read(d.path, 'shared.txt').split('\n');
    expect([shared[2], shared[19]]).toEqual(['changed by B', 'changed by C']);
    // The start point is Nova's merge commit of B and C, made on D's branch, with a fixed message.
    expect(git(d.path, 'rev-parse', 'HEAD^1', 'HEAD^2').split('\n')).toEqual([b, c]);
    expect(git(d.path, 'log', '-1', '--format=%s')).toBe('nova: merge C into the start of D');
    expect(git(d.path, 'status', '--porcelain')).toBe('');
    for (const head of [a, b, c]) {
      expect(git(repo.root, 'merge-base', '--is-ancestor', head, d.startPoint)).toBe('');
    }
  });

  it('diamond with B and C editing the same line: MERGE_CONFLICT naming the file, B and C', async () => {
    repo = makeRepo();
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    const { b, c } = await diamondUpToD(ws, base, 10, 10);
    const before = userState(repo.root);
    const error = await ws
      .prepare({
        taskId: 'D',
        base,
        dependencies: [
          { id: 'B', head: b },
          { id: 'C', head: c },
        ],
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(WorkspaceError);
    const e = error as WorkspaceError;
    expect(e.code).toBe('MERGE_CONFLICT');
    expect(e.conflicts).toEqual({ files: ['shared.txt'], tasks: ['B', 'C'] });
    expect(e.message).not.toContain('\n');
    expect(e.message).toContain('shared.txt');
    expect(e.message).toMatch(/\bB\b.*\bC\b/);
    expect(e.message).toContain('nova retry D');
    // The worktree is left clean at the first dependency's head, with no merge in progress.
    const path = ws.pathFor('D');
    expect(sha(path)).toBe(b);
    expect(git(path, 'status', '--porcelain')).toBe('');
    expect(() => git(path, 'rev-parse', '-q', '--verify', 'MERGE_HEAD')).toThrow();
    expect(git(path, 'symbolic-ref', '--short', 'HEAD')).toBe('nova/test-plan/tasks/D');
    expect(userState(repo.root)).toEqual(before);
  });

  it('names the dependency that touched the file, not every earlier one', async () => {
    repo = makeRepo({ 'shared.txt': lines(30), 'other.txt': lines(5) });
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    const x = await runTask(ws, 'X', base, [], editLine(7, 'X was here'));
    const y = await runTask(ws, 'Y', base, [], (p) => write(p, 'other.txt', 'Y\n'));
    const z = await runTask(ws, 'Z', base, [], editLine(7, 'Z was here'));
    const error = (await ws
      .prepare({
        taskId: 'W',
        base,
        dependencies: [
          { id: 'X', head: x },
          { id: 'Y', head: y },
          { id: 'Z', head: z },
        ],
      })
      .catch((e: unknown) => e)) as WorkspaceError;
    expect(error.code).toBe('MERGE_CONFLICT');
    expect(error.conflicts).toEqual({ files: ['shared.txt'], tasks: ['X', 'Z'] });
    // Left at the first dependency's head, not at the X+Y merge.
    expect(sha(ws.pathFor('W'))).toBe(x);
  });

  it("a conflict resolved by hand on D's branch, as the README says, is kept by the next prepare", async () => {
    const { ws, base, deps } = await conflictedDiamond();
    // The user, in D's worktree: merge C's branch, fix the file, commit.
    const path = ws.pathFor('D');
    expect(() => git(path, 'merge', 'nova/test-plan/tasks/C')).toThrow();
    write(path, 'shared.txt', replaceLine(read(path, 'shared.txt'), 10, 'resolved by the user'));
    git(path, 'commit', '-q', '-am', 'Resolve B/C conflict in shared.txt');
    const resolution = sha(path);

    const d = await ws.prepare({ taskId: 'D', base, dependencies: deps });
    expect(d.startPoint).toBe(resolution);
    expect(d.contains).toEqual(deps);
    expect(read(d.path, 'shared.txt').split('\n')[9]).toBe('resolved by the user');
    expect(['b.txt', 'c.txt'].map((f) => read(d.path, f))).toEqual(['B\n', 'C\n']);

    // D's attempt fails after committing something; the retry drops the attempt, not the resolution.
    write(d.path, 'd.txt', 'half done\n');
    git(d.path, 'add', '-A');
    git(d.path, 'commit', '-q', '-m', 'attempt commit');
    const retry = await ws.prepare({ taskId: 'D', base, dependencies: deps });
    expect(retry.startPoint).toBe(resolution);
    expect(sha(retry.path)).toBe(resolution);
  });

  it("a resolution committed in a worktree of the user's own, after the run cleaned up, is kept too", async () => {
    const { ws, base, deps } = await conflictedDiamond();
    await ws.clean();
    const mine = `${repo.tmp}/resolve-d`;
    git(repo.root, 'worktree', 'add', '-q', mine, 'nova/test-plan/tasks/D');
    expect(() => git(mine, 'merge', 'nova/test-plan/tasks/C')).toThrow();
    write(mine, 'shared.txt', replaceLine(read(mine, 'shared.txt'), 10, 'resolved elsewhere'));
    git(mine, 'commit', '-q', '-am', 'Resolve');
    const resolution = sha(mine);

    // While the user's worktree still has the branch checked out, Nova says so and touches nothing.
    await expect(ws.prepare({ taskId: 'D', base, dependencies: deps })).rejects.toMatchObject({
      code: 'BRANCH_IN_USE',
    });
    git(repo.root, 'worktree', 'remove', mine);
    const d = await ws.prepare({ taskId: 'D', base, dependencies: deps });
    expect(d.startPoint).toBe(resolution);
    expect(changedFiles(repo.root, resolution, sha(d.path))).toEqual([]);
  });

  it('a user commit that merges only the conflicting dependency gets the other dependencies merged in', async () => {
    repo = makeRepo({ 'shared.txt': lines(30) });
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    const x = await runTask(ws, 'X', base, [], editLine(7, 'X'));
    const y = await runTask(ws, 'Y', base, [], editLine(7, 'Y'));
    const z = await runTask(ws, 'Z', base, [], (p) => write(p, 'z.txt', 'Z\n'));
    const deps = [
      { id: 'X', head: x },
      { id: 'Y', head: y },
      { id: 'Z', head: z },
    ];
    await expect(ws.prepare({ taskId: 'W', base, dependencies: deps })).rejects.toMatchObject({
      conflicts: { files: ['shared.txt'], tasks: ['X', 'Y'] },
    });
    const path = ws.pathFor('W');
    expect(() => git(path, 'merge', 'nova/test-plan/tasks/Y')).toThrow();
    write(path, 'shared.txt', replaceLine(read(path, 'shared.txt'), 7, 'X and Y'));
    git(path, 'commit', '-q', '-am', 'Resolve X/Y');
    const resolution = sha(path);
    const w = await ws.prepare({ taskId: 'W', base, dependencies: deps });
    expect(git(repo.root, 'rev-parse', `${w.startPoint}^1`)).toBe(resolution);
    expect(read(w.path, 'z.txt')).toBe('Z\n');
    expect(read(w.path, 'shared.txt').split('\n')[6]).toBe('X and Y');
  });
});
