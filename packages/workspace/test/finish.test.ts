/** finish: commit what the agent left, keep what it committed, count what changed. */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NOVA_IDENTITY } from '../src/index.js';
import { git, makeRepo, sha, type TestRepo, workspacesFor, write } from './helpers.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

describe('finish', () => {
  it("commits the agent's uncommitted work with the message, keeps its own commits, reports numstat", async () => {
    repo = makeRepo({ 'a.txt': 'one\ntwo\nthree\n', 'gone.txt': 'bye\n', 'img.bin': 'x' });
    const ws = workspacesFor(repo);
    const p = await ws.prepare({ taskId: 'F2', base: 'HEAD' });
    // The agent commits part of its work itself...
    write(p.path, 'own-commit.txt', 'committed by the agent\n');
    git(p.path, 'add', 'own-commit.txt');
    git(p.path, 'commit', '-q', '-m', 'agent: its own commit');
    const agentCommit = sha(p.path);
    // ...and leaves the rest: an edit, a deletion, a new binary file, a new nested file.
    write(p.path, 'a.txt', 'one\n2\nthree\nfour\n');
    git(p.path, 'rm', '-q', 'gone.txt');
    write(p.path, 'logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2, 3]));
    write(p.path, 'src/new file.ts', 'export const x = 1;\n');

    const f = await ws.finish({
      taskId: 'F2',
      message: 'F2: Error handling',
      startPoint: p.startPoint,
    });
    expect(f.committed).toBe(true);
    expect(f.branch).toBe('nova/test-plan/tasks/F2');
    expect(f.base).toBe(p.startPoint);
    expect(git(repo.root, 'rev-parse', f.branch)).toBe(f.head);
    expect(git(repo.root, 'rev-parse', `${f.head}^`)).toBe(agentCommit);
    expect(git(repo.root, 'log', '-1', '--format=%B', f.head)).toBe('F2: Error handling');
    expect(git(repo.root, 'log', '-1', '--format=%an <%ae>', f.head)).toBe(
      'Test User <test@example.invalid>',
    );
    expect(git(p.path, 'status', '--porcelain')).toBe('');
    expect([...f.files].sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { path: 'a.txt', added: 2, removed: 1 },
      { path: 'gone.txt', added: 0, removed: 1 },
      { path: 'logo.png', added: null, removed: null },
      { path: 'own-commit.txt', added: 1, removed: 0 },
      { path: 'src/new file.ts', added: 1, removed: 0 },
    ]);
  });

  it('makes no commit when nothing changed', async () => {
    repo = makeRepo();
    const ws = workspacesFor(repo);
    const p = await ws.prepare({ taskId: 'T', base: 'HEAD' });
    const f = await ws.finish({ taskId: 'T', message: 'T: nothing', startPoint: p.startPoint });
    expect(f).toEqual({
      branch: 'nova/test-plan/tasks/T',
      base: p.startPoint,
      head: p.startPoint,
      committed: false,
      files: [],
    });
  });

  it('commits as Nova where the repository has no identity, and skips commit hooks', async () => {
    repo = makeRepo({ 'a.txt': 'a\n' }, { identity: false });
    const home = join(repo.tmp, 'home');
    mkdirSync(home);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: home,
      GIT_CONFIG_NOSYSTEM: '1',
    };
    for (const name of ['NAME', 'EMAIL']) {
      delete env[`GIT_AUTHOR_${name}`];
      delete env[`GIT_COMMITTER_${name}`];
      delete env.EMAIL;
    }
    for (const hook of ['pre-commit', 'commit-msg']) {
      write(repo.root, `.git/hooks/${hook}`, '#!/bin/sh\necho "hook refused" >&2\nexit 1\n');
      chmodSync(join(repo.root, '.git/hooks', hook), 0o755);
    }
    const ws = workspacesFor(repo, { env });
    const p = await ws.prepare({ taskId: 'T', base: 'HEAD' });
    write(p.path, 'b.txt', 'b\n');
    // The hooks are live: a plain commit there is refused.
    expect(() => git(p.path, 'commit', '-q', '--allow-empty', '-m', 'probe')).toThrow(
      /hook refused/,
    );
    const f = await ws.finish({ taskId: 'T', message: 'T: as Nova', startPoint: p.startPoint });
    expect(git(repo.root, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', f.head)).toBe(
      `${NOVA_IDENTITY.name} <${NOVA_IDENTITY.email}>|${NOVA_IDENTITY.name} <${NOVA_IDENTITY.email}>`,
    );
  });

  it('refuses when the agent left the worktree on another branch, or there is no worktree', async () => {
    repo = makeRepo();
    const ws = workspacesFor(repo);
    const p = await ws.prepare({ taskId: 'T', base: 'HEAD' });
    git(p.path, 'switch', '-q', '-c', 'agent-branch');
    write(p.path, 'x.txt', 'x\n');
    await expect(
      ws.finish({ taskId: 'T', message: 'T', startPoint: p.startPoint }),
    ).rejects.toMatchObject({
      code: 'NOT_ON_TASK_BRANCH',
      message: expect.stringContaining('agent-branch'),
    });
    expect(git(p.path, 'status', '--porcelain')).toBe('?? x.txt');
    git(p.path, 'switch', '-q', '--detach');
    await expect(
      ws.finish({ taskId: 'T', message: 'T', startPoint: p.startPoint }),
    ).rejects.toMatchObject({
      code: 'NOT_ON_TASK_BRANCH',
      message: expect.stringContaining('detached'),
    });
    git(p.path, 'switch', '-q', 'nova/test-plan/tasks/T');
    for (const startPoint of ['no-such-commit', '--all', 'README.md']) {
      await expect(ws.finish({ taskId: 'T', message: 'T', startPoint })).rejects.toMatchObject({
        code: 'UNKNOWN_COMMIT',
      });
    }
    expect(git(p.path, 'status', '--porcelain')).toBe('?? x.txt');
    await expect(
      ws.finish({ taskId: 'NEVER', message: 'N', startPoint: p.startPoint }),
    ).rejects.toMatchObject({ code: 'NO_WORKTREE' });
    await expect(ws.finish({ taskId: 'T', message: '  ', startPoint: 'HEAD' })).rejects.toThrow(
      TypeError,
    );
  });
});
