/** Three tasks from one base at once: each branch holds its own work only; the user's tree is untouched. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  changedFiles,
  dirtyUserTree,
  git,
  lines,
  makeRepo,
  read,
  replaceLine,
  sha,
  type TestRepo,
  userState,
  workspacesFor,
  write,
} from './helpers.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

describe('parallel tasks from one base', () => {
  it('keeps each task on its own branch and the user tree byte for byte as it was', async () => {
    repo = makeRepo({ 'README.md': '# test\n', 'shared.txt': lines(30) });
    const base = sha(repo.root);
    dirtyUserTree(repo.root);
    const ws = workspacesFor(repo, { inside: true });
    // Taken before the worktrees folder exists: afterwards `git status` must not show it either.
    const before = userState(repo.root);

    const ids = ['T1', 'T2', 'T3'];
    const prepared = await Promise.all(
      ids.map((taskId) => ws.prepare({ taskId, base, dependencies: [] })),
    );
    for (const [i, p] of prepared.entries()) {
      expect(p.startPoint).toBe(base);
      expect(p.branch).toBe(`nova/test-plan/tasks/${ids[i]}`);
      expect(p.contains).toEqual([]);
      expect(git(p.path, 'symbolic-ref', '--short', 'HEAD')).toBe(p.branch);
      // Tasks start from the commit, not from the user's uncommitted edits.
      expect(read(p.path, 'README.md')).toBe('# test\n');
      expect(existsSync(join(p.path, 'untracked.txt'))).toBe(false);
    }

    // Each "agent" adds its own file and changes its own line of the shared file.
    prepared.forEach((p, i) => {
      write(p.path, `own-${ids[i]}.txt`, `work of ${ids[i]}\n`);
      write(p.path, 'shared.txt', replaceLine(read(p.path, 'shared.txt'), 5 + i * 10, `${ids[i]}`));
    });
    const finished = await Promise.all(
      prepared.map((p, i) =>
        ws.finish({ taskId: ids[i]!, message: `${ids[i]}: task`, startPoint: p.startPoint }),
      ),
    );

    for (const [i, f] of finished.entries()) {
      const id = ids[i]!;
      expect(f.committed).toBe(true);
      expect(changedFiles(repo.root, base, f.head)).toEqual([`own-${id}.txt`, 'shared.txt']);
      expect(git(repo.root, 'rev-parse', f.branch)).toBe(f.head);
      const shared = git(repo.root, 'show', `${f.head}:shared.txt`).split('\n');
      expect(shared[4 + i * 10]).toBe(id);
      // ...and nobody else's line.
      for (const j of [0, 1, 2].filter((j) => j !== i)) {
        expect(shared[4 + j * 10]).toBe(`line ${5 + j * 10}`);
      }
    }

    const result = await ws.mergeResult({
      sinks: finished.map((f, i) => ({ id: ids[i]!, head: f.head })),
      base,
    });
    expect(result.branch).toBe('nova/test-plan/result');
    expect(git(repo.root, 'rev-parse', result.branch)).toBe(result.head);
    expect(changedFiles(repo.root, base, result.head)).toEqual([
      'own-T1.txt',
      'own-T2.txt',
      'own-T3.txt',
      'shared.txt',
    ]);
    const merged = git(repo.root, 'show', `${result.head}:shared.txt`).split('\n');
    expect([merged[4], merged[14], merged[24]]).toEqual(['T1', 'T2', 'T3']);

    expect(userState(repo.root)).toEqual(before);
    // The temporary result worktree is gone.
    expect(git(repo.root, 'worktree', 'list').split('\n')).toHaveLength(4);
  });

  it('prepares and finishes many tasks at once without lock races', async () => {
    repo = makeRepo();
    const base = sha(repo.root);
    const ws = workspacesFor(repo);
    const ids = Array.from({ length: 8 }, (_, i) => `P${i}`);
    const results = await Promise.all(
      ids.map(async (taskId) => {
        const p = await ws.prepare({ taskId, base });
        write(p.path, `${taskId}.txt`, `${taskId}\n`);
        return ws.finish({ taskId, message: `${taskId}: parallel`, startPoint: p.startPoint });
      }),
    );
    for (const [i, r] of results.entries()) {
      expect(r.files).toEqual([{ path: `${ids[i]}.txt`, added: 1, removed: 0 }]);
    }
    const result = await ws.mergeResult({
      sinks: results.map((r, i) => ({ id: ids[i]!, head: r.head })),
      base,
    });
    expect(changedFiles(repo.root, base, result.head)).toEqual(ids.map((id) => `${id}.txt`).sort());
  });
});
