/** inspectRepository, and the typed errors of a repository (or git) worktree mode cannot use. */
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectRepository, WorkspaceError } from '../src/index.js';
import {
  dirtyUserTree,
  git,
  makeRepo,
  sha,
  type TestRepo,
  userState,
  workspacesFor,
  write,
} from './helpers.js';

let repo: TestRepo | undefined;
let extra: string | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
  if (extra) rmSync(extra, { recursive: true, force: true });
  extra = undefined;
});

const failure = async (promise: Promise<unknown>): Promise<WorkspaceError> => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkspaceError);
  return error as WorkspaceError;
};

/** A folder holding a fake `git` that prints `version`, for PATH. */
function fakeGit(version: string): string {
  extra = mkdtempSync(join(tmpdir(), 'nova-fake-git-'));
  write(extra, 'git', `#!/bin/sh\necho "git version ${version}"\n`);
  chmodSync(join(extra, 'git'), 0o755);
  return extra;
}

describe('inspectRepository', () => {
  it('describes a clean repository from a subfolder', async () => {
    repo = makeRepo({ 'a/b/c.txt': 'c\n' });
    const info = await inspectRepository(join(repo.root, 'a', 'b'));
    expect(info).toEqual({
      root: realpathSync(repo.root),
      gitDir: realpathSync(join(repo.root, '.git')),
      head: sha(repo.root),
      branch: 'main',
      dirty: false,
      subdir: 'a/b',
      gitVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/),
    });
    expect((await inspectRepository(repo.root)).subdir).toBe('');
  });

  it('sees every kind of uncommitted change, and changes nothing (not even the index)', async () => {
    repo = makeRepo();
    write(repo.root, 'untracked.txt', 'u\n');
    expect((await inspectRepository(repo.root)).dirty).toBe(true);
    rmSync(join(repo.root, 'untracked.txt'));
    write(repo.root, '.gitignore', 'ignored.txt\n');
    git(repo.root, 'add', '.gitignore');
    git(repo.root, 'commit', '-q', '-m', 'ignore');
    write(repo.root, 'ignored.txt', 'i\n');
    expect((await inspectRepository(repo.root)).dirty).toBe(false);
    dirtyUserTree(repo.root);
    const before = userState(repo.root);
    expect((await inspectRepository(repo.root)).dirty).toBe(true);
    expect(userState(repo.root)).toEqual(before);
  });

  it('reports a detached HEAD as branch null, and a linked worktree with the common git folder', async () => {
    repo = makeRepo();
    git(repo.root, 'switch', '-q', '--detach');
    expect((await inspectRepository(repo.root)).branch).toBeNull();
    const linked = join(repo.tmp, 'linked');
    git(repo.root, 'worktree', 'add', '-q', '-b', 'side', linked);
    const info = await inspectRepository(linked);
    expect(info.root).toBe(realpathSync(linked));
    expect(info.gitDir).toBe(realpathSync(join(repo.root, '.git')));
    expect(info.branch).toBe('side');
  });

  it('NOT_A_REPOSITORY outside a work tree, inside .git, and for a missing folder', async () => {
    extra = mkdtempSync(join(tmpdir(), 'nova-plain-'));
    const plain = await failure(inspectRepository(extra));
    expect(plain.code).toBe('NOT_A_REPOSITORY');
    expect(plain.message).toContain('is not inside a git repository');
    repo = makeRepo();
    const inGit = await failure(inspectRepository(join(repo.root, '.git')));
    expect(inGit.code).toBe('NOT_A_REPOSITORY');
    expect((await failure(inspectRepository(join(extra, 'missing')))).code).toBe(
      'NOT_A_REPOSITORY',
    );
  });

  it('NO_COMMITS in a repository without a commit', async () => {
    extra = mkdtempSync(join(tmpdir(), 'nova-empty-'));
    git(extra, 'init', '-q');
    const error = await failure(inspectRepository(extra));
    expect(error.code).toBe('NO_COMMITS');
    expect(error.message).toContain('no commits');
  });

  it('GIT_NOT_FOUND when PATH has no git, for inspect and for every operation', async () => {
    repo = makeRepo();
    const empty = join(repo.tmp, 'empty-bin');
    mkdirSync(empty);
    const env = { ...process.env, PATH: empty };
    const error = await failure(inspectRepository(repo.root, { env }));
    expect(error.code).toBe('GIT_NOT_FOUND');
    expect(error.message).toMatch(/git was not found on PATH.*2\.17/);
    const ws = workspacesFor(repo, { env });
    expect((await failure(ws.prepare({ taskId: 'T', base: 'HEAD' }))).code).toBe('GIT_NOT_FOUND');
  });

  it('GIT_TOO_OLD names the version found', async () => {
    repo = makeRepo();
    const env = { ...process.env, PATH: fakeGit('2.16.4') };
    const error = await failure(inspectRepository(repo.root, { env }));
    expect(error.code).toBe('GIT_TOO_OLD');
    expect(error.message).toBe('git 2.16.4 is too old: worktree mode needs git 2.17.0 or later');
  });

  it('a symlinked path reports real paths', async () => {
    repo = makeRepo();
    const link = join(repo.tmp, 'link');
    symlinkSync(repo.root, link);
    const info = await inspectRepository(link);
    expect(info.root).toBe(realpathSync(repo.root));
  });
});

describe('inspectRepository ignore', () => {
  it("the caller's own files do not make the tree dirty", async () => {
    repo = makeRepo();
    const root = repo.root;
    writeFileSync(join(root, 'cascade_state.json'), '{}');
    mkdirSync(join(root, 'logs'));
    writeFileSync(join(root, 'logs', 'A.log'), 'x');
    const ignore = [join(root, 'cascade_state.json'), 'logs'];
    expect((await inspectRepository(root)).dirty).toBe(true);
    expect((await inspectRepository(root, { ignore })).dirty).toBe(false);
    writeFileSync(join(root, 'new.ts'), 'x');
    expect((await inspectRepository(root, { ignore })).dirty).toBe(true);
  });
});
