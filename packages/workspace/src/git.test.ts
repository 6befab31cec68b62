import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkspaceError } from './errors.js';
import { cleanEnvironment, git, resolveCommit, showArgv } from './git.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nova-git-'));
  execFileSync('git', ['init', '-q', dir]);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('cleanEnvironment', () => {
  it("drops what points git elsewhere and sets what Nova's parsing and safety need", () => {
    const env = cleanEnvironment({
      PATH: '/bin',
      GIT_DIR: '/x/.git',
      GIT_WORK_TREE: '/x',
      GIT_INDEX_FILE: '/x/index',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'core.hooksPath',
      GIT_CONFIG_VALUE_0: '/evil',
      GIT_AUTHOR_NAME: 'kept',
      LC_ALL: 'de_DE.UTF-8',
    });
    expect(env).toEqual({
      PATH: '/bin',
      GIT_AUTHOR_NAME: 'kept',
      GIT_TERMINAL_PROMPT: '0',
      GIT_OPTIONAL_LOCKS: '0',
      GIT_EDITOR: 'true',
      GIT_MERGE_AUTOEDIT: 'no',
      GIT_PAGER: 'cat',
      LC_ALL: 'C',
    });
  });
});

describe('git', () => {
  const env = cleanEnvironment();

  it('throws GIT_FAILED with the argv and the end of stderr', async () => {
    const error = (await git(['rev-parse', '--verify', 'no such ref'], { cwd: dir, env }).catch(
      (e) => e,
    )) as WorkspaceError;
    expect(error).toBeInstanceOf(WorkspaceError);
    expect(error.code).toBe('GIT_FAILED');
    expect(error.argv).toEqual(['git', 'rev-parse', '--verify', 'no such ref']);
    expect(error.stderrTail).toContain('fatal');
    expect(error.message).toMatch(
      /^`git rev-parse --verify "no such ref"` failed \(exit 128\): fatal/,
    );
  });

  it('accepts the exit codes it is told are answers', async () => {
    const r = await git(['config', '--get', 'no.such'], { cwd: dir, env, ok: [1] });
    expect(r.code).toBe(1);
  });

  it('tries again while another git holds a lock file, and gives up on a stale one', async () => {
    writeFileSync(join(dir, 'f.txt'), 'x\n');
    const lock = join(dir, '.git', 'index.lock');
    writeFileSync(lock, '');
    setTimeout(() => rmSync(lock), 150);
    await expect(git(['add', 'f.txt'], { cwd: dir, env })).resolves.toMatchObject({ code: 0 });
    writeFileSync(lock, '');
    await expect(git(['add', 'f.txt'], { cwd: dir, env })).rejects.toMatchObject({
      code: 'GIT_FAILED',
      message: expect.stringContaining('index.lock'),
    });
  });

  it('tries again while another git is creating a worktree whose records are not written yet', async () => {
    // What `git worktree add` leaves for a moment: the record's folder with an empty commondir.
    const record = join(dir, '.git', 'worktrees', 'P1');
    mkdirSync(record, { recursive: true });
    writeFileSync(join(record, 'gitdir'), `${join(dir, '..', 'p1', '.git')}\n`);
    writeFileSync(join(record, 'commondir'), '');
    setTimeout(() => writeFileSync(join(record, 'commondir'), '../..\n'), 150);
    await expect(
      git(['worktree', 'list', '--porcelain'], { cwd: dir, env }),
    ).resolves.toMatchObject({ code: 0 });
    rmSync(record, { recursive: true });
  });

  it('resolves commits, and refuses revisions that would read as options', async () => {
    expect(await resolveCommit('HEAD', { cwd: dir, env })).toBeNull();
    expect(await resolveCommit('--all', { cwd: dir, env })).toBeNull();
    expect(await resolveCommit('', { cwd: dir, env })).toBeNull();
  });

  it('shows argv for people: plain words bare, the rest quoted', () => {
    expect(showArgv(['git', 'commit', '-m', 'two words', 'nova/p/tasks/a.b'])).toBe(
      'git commit -m "two words" nova/p/tasks/a.b',
    );
  });
});
