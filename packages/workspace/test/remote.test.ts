/**
 * Two machines sharing one bare repository: each keeps a repository of its own, fetches its inputs,
 * works in its own worktrees and pushes its task's branch; the user's repository fetches the work
 * back and merges the result. All on one disk, in throwaway folders.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWorkspaces,
  initRepository,
  listRemote,
  showRemote,
  WorkspaceError,
} from '../src/index.js';
import type { Workspaces } from '../src/types.js';
import {
  git,
  lines,
  makeRepo,
  read,
  replaceLine,
  runTask,
  sha,
  type TestRepo,
  userState,
  write,
} from './helpers.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

const SLUG = 'test-plan';
const TASKS = `refs/heads/nova/${SLUG}/tasks/`;

/** The user's repository plus a bare remote holding the base under Nova's refs. */
function sharedRemote() {
  repo = makeRepo({ 'README.md': '# test\n', 'shared.txt': lines(30) });
  const remote = join(repo.tmp, 'remote.git');
  git(repo.tmp, 'init', '-q', '--bare', remote);
  const base = sha(repo.root);
  git(repo.root, 'push', '-q', remote, `${base}:refs/nova/${SLUG}/bases/${base}`);
  return { remote, base };
}

/** A machine: its own repository (git init) and worktrees folder, fetching from the remote. */
async function machine(name: string, remote: string, base: string): Promise<Workspaces> {
  const root = await initRepository(join(repo.tmp, name, 'repo'));
  const ws = createWorkspaces({
    repoRoot: root,
    worktreesDir: join(repo.tmp, name, 'worktrees'),
    projectSlug: SLUG,
  });
  await ws.fetch(remote, [
    `+refs/nova/${SLUG}/bases/${base}:refs/nova/${SLUG}/bases/${base}`,
    `+${TASKS}*:refs/remotes/shared/${SLUG}/tasks/*`,
  ]);
  return ws;
}

const push = (ws: Workspaces, remote: string, id: string) =>
  ws.push(remote, [`+${TASKS}${id}:${TASKS}${id}`]);

describe('a shared remote', () => {
  it("a task on one machine starts from a dependency finished on another; the user's repository gets both", async () => {
    const { remote, base } = sharedRemote();
    const before = userState(repo.root);
    const a = await machine('a', remote, base);
    const f1 = await runTask(a, 'F1', base, [], (p) => write(p, 'f1.txt', 'from machine a\n'));
    await push(a, remote, 'F1');
    // Its work is on the remote: machine a frees the folder, and can make it again.
    expect(await a.release('F1')).toBe(true);
    expect(existsSync(a.pathFor('F1'))).toBe(false);
    expect(await a.release('F1')).toBe(false);
    const again = await a.prepare({ taskId: 'F1', base, keepWork: true });
    expect(read(again.path, 'f1.txt')).toBe('from machine a\n');

    const b = await machine('b', remote, base);
    const prepared = await b.prepare({
      taskId: 'F2',
      base,
      dependencies: [{ id: 'F1', head: f1 }],
    });
    expect(read(prepared.path, 'f1.txt')).toBe('from machine a\n');
    write(prepared.path, 'f2.txt', 'from machine b\n');
    const f2 = await b.finish({
      taskId: 'F2',
      message: 'F2: work',
      startPoint: prepared.startPoint,
    });
    await push(b, remote, 'F2');

    expect(await listRemote(remote, TASKS, { cwd: repo.tmp })).toEqual(
      new Map([
        [`${TASKS}F1`, f1],
        [`${TASKS}F2`, f2.head],
      ]),
    );
    const user = createWorkspaces({
      repoRoot: repo.root,
      worktreesDir: join(repo.tmp, 'user-worktrees'),
      projectSlug: SLUG,
    });
    await user.fetch(remote, [`+${TASKS}*:${TASKS}*`]);
    expect(sha(repo.root, `nova/${SLUG}/tasks/F2`)).toBe(f2.head);
    const result = await user.mergeResult({ sinks: [{ id: 'F2', head: f2.head }], base });
    expect(result.head).toBe(f2.head);
    expect(git(repo.root, 'show', `${result.branch}:f1.txt`)).toBe('from machine a');
    // The user's files, index, HEAD and status are as they were.
    expect(userState(repo.root)).toEqual(before);
  });

  it("adopt: a conflict resolved by hand and pushed from elsewhere is the task's start on any machine", async () => {
    const { remote, base } = sharedRemote();
    const a = await machine('a', remote, base);
    const edit = (text: string) => (p: string) =>
      write(p, 'shared.txt', replaceLine(read(p, 'shared.txt'), 10, text));
    const b = await runTask(a, 'B', base, [], edit('changed by B'));
    const c = await runTask(a, 'C', base, [], edit('changed by C'));
    await push(a, remote, 'B');
    await push(a, remote, 'C');
    const deps = [
      { id: 'B', head: b },
      { id: 'C', head: c },
    ];
    await expect(a.prepare({ taskId: 'D', base, dependencies: deps })).rejects.toMatchObject({
      code: 'MERGE_CONFLICT',
    });

    // The user resolves it in a clone of the remote and pushes D's branch there.
    const clone = join(repo.tmp, 'clone');
    git(repo.tmp, 'clone', '-q', remote, clone);
    git(clone, 'config', 'user.name', 'Resolver');
    git(clone, 'config', 'user.email', 'r@example.invalid');
    git(clone, 'switch', '-q', '-c', `nova/${SLUG}/tasks/D`, b);
    expect(() => git(clone, 'merge', '-q', c)).toThrow();
    write(clone, 'shared.txt', replaceLine(read(clone, 'shared.txt'), 10, 'resolved'));
    git(clone, 'commit', '-q', '-am', 'resolve B and C');
    const resolved = sha(clone);
    git(clone, 'push', '-q', 'origin', `nova/${SLUG}/tasks/D`);

    // Machine b never saw the conflict; machine a did. Both take the resolution.
    for (const name of ['b', 'a']) {
      const ws = name === 'a' ? a : await machine(name, remote, base);
      await ws.fetch(remote, [`+${TASKS}*:refs/remotes/shared/${SLUG}/tasks/*`]);
      await ws.adopt('D', `refs/remotes/shared/${SLUG}/tasks/D`);
      const d = await ws.prepare({ taskId: 'D', base, dependencies: deps });
      expect(d.startPoint).toBe(resolved);
      expect(read(d.path, 'shared.txt')).toContain('resolved');
    }
  });

  it('REMOTE_FAILED names the remote with its password masked; INVALID_REMOTE for what is no remote', async () => {
    const { base } = sharedRemote();
    const url = 'http://nova:s3cret-pw@127.0.0.1:9/shared.git';
    const ws = createWorkspaces({
      repoRoot: repo.root,
      worktreesDir: join(repo.tmp, 'w'),
      projectSlug: SLUG,
    });
    const failure = await ws.fetch(url, [`+${TASKS}*:${TASKS}*`]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkspaceError);
    expect(failure).toMatchObject({ code: 'REMOTE_FAILED' });
    const text = (failure as Error).message;
    expect(text).toMatch(/^cannot fetch from http:\/\/nova:\*\*\*@127\.0\.0\.1:9\/shared\.git: /);
    expect(text).not.toContain('s3cret');
    await expect(ws.push(url, [`${base}:refs/x`])).rejects.toMatchObject({
      code: 'REMOTE_FAILED',
      message: expect.not.stringContaining('s3cret'),
    });
    await expect(listRemote(url, TASKS, { cwd: repo.tmp })).rejects.toMatchObject({
      code: 'REMOTE_FAILED',
    });

    const marker = join(repo.tmp, 'ran');
    for (const bad of ['--upload-pack=touch x', `ext::sh -c touch% ${marker}`, '', 'a\nb']) {
      await expect(ws.fetch(bad, ['HEAD'])).rejects.toMatchObject({ code: 'INVALID_REMOTE' });
    }
    expect(existsSync(marker)).toBe(false);
    expect(showRemote('https://u:p@h/x.git')).toBe('https://u:***@h/x.git');
    expect(showRemote('/shared/repo.git')).toBe('/shared/repo.git');
  });

  it('initRepository makes a repository of its own, also inside a checkout, and reuses it', async () => {
    repo = makeRepo();
    const inside = join(repo.root, '.nova-worker', 'repo');
    const root = await initRepository(inside);
    expect(git(root, 'rev-parse', '--show-toplevel')).toBe(root);
    write(root, 'marker', 'x');
    expect(await initRepository(inside)).toBe(root);
    expect(existsSync(join(root, 'marker'))).toBe(true);
  });
});
