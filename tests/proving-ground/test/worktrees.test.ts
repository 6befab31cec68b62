/**
 * Worktree mode through `nova run`, on throwaway repositories with real git and a scripted agent
 * (workers/editor.mjs): parallel tasks on branches of their own, dependents starting from their
 * dependencies' merged work, merge conflicts before any agent runs, verify gating "completed",
 * a crash mid-change, and the user's own tree never touched.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readState } from '@program-nova/state/store';
import { afterEach, describe, expect, test } from 'vitest';
import {
  killStarted,
  nova,
  removeDir,
  stackTraceLines,
  startNova,
  tempDir,
  WORKERS,
  waitFor,
} from './helpers.js';

const dirs: string[] = [];
afterEach(async () => {
  await killStarted();
  for (const d of dirs.splice(0)) removeDir(d);
});

const EDITOR = `'${process.execPath}' '${join(WORKERS, 'editor.mjs')}'`;

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
}

/** A repository with one commit: `files` plus the plan. */
function repository(plan: string, files: Record<string, string>) {
  const dir = tempDir('nova-pg-git-');
  dirs.push(dir);
  const repo = join(dir, 'repo');
  mkdirSync(repo);
  git(repo, 'init', '--quiet', '--initial-branch', 'main');
  git(repo, 'config', 'user.name', 'Test User');
  git(repo, 'config', 'user.email', 'test@example.invalid');
  for (const [path, text] of Object.entries({ ...files, 'CASCADE.md': plan })) {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'start');
  return { dir, repo, stateDir: join(dir, 'agent-state') };
}

/** Every tracked and untracked file of the user's tree (but Nova's own), hashed; HEAD; branch. */
function userTree(repo: string) {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const rel = relative(repo, p);
      if (rel === '.git' || /^(cascade_state\.json.*|logs|worktrees)$/.test(rel)) continue;
      if (statSync(p).isDirectory()) walk(p);
      else files[rel] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(repo);
  return {
    files,
    head: git(repo, 'rev-parse', 'HEAD'),
    branch: git(repo, 'symbolic-ref', '--short', 'HEAD'),
    // Nova's own files (the state beside the plan, its logs) are the only news in `git status`.
    status: git(repo, 'status', '--porcelain')
      .split('\n')
      .filter((l) => !/^\?\? (cascade_state\.json.*|logs\/)$/.test(l))
      .join('\n'),
    index: createHash('sha256')
      .update(readFileSync(join(repo, '.git', 'index')))
      .digest('hex'),
  };
}

const planOf = (rows: string[], extra = '') =>
  [
    '# Tree Work',
    '## L1: Main',
    '### L2: Work',
    `| Task ID | Task Name | What Changes | Depends On${extra ? ` | ${extra}` : ''} |`,
    `|---|---|---|---${extra ? '|---' : ''}|`,
    ...rows,
    '',
  ].join('\n');

function run(r: ReturnType<typeof repository>, edits: object, args: string[] = [], env = {}) {
  const editsFile = join(r.dir, 'edits.json');
  writeFileSync(editsFile, JSON.stringify(edits));
  return nova(['run', '--worker-cmd', EDITOR, ...args], r.repo, {
    PG_EDITS: editsFile,
    PG_STATE_DIR: r.stateDir,
    ...env,
  });
}

const SHARED = 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\n';

describe('worktree mode', () => {
  test('three parallel tasks: each branch holds only its change; the result holds all; the user tree is untouched', async () => {
    const r = repository(
      planOf([
        '| P1 | First | Add a.txt, edit line one | - |',
        '| P2 | Second | Add b.txt, edit line five | - |',
        '| P3 | Third | Add c.txt, edit line nine | - |',
      ]),
      { 'shared.txt': SHARED },
    );
    // The user has work of their own in progress: it must stay exactly as it is.
    writeFileSync(join(r.repo, 'mine.txt'), 'uncommitted\n');
    const before = userTree(r.repo);
    const edits = {
      P1: [
        { write: 'a.txt', text: 'a\n' },
        { replace: 'shared.txt', from: 'one\n', to: 'ONE\n' },
      ],
      P2: [
        { write: 'b.txt', text: 'b\n' },
        { replace: 'shared.txt', from: 'five\n', to: 'FIVE\n' },
      ],
      P3: [
        { write: 'c.txt', text: 'c\n' },
        { replace: 'shared.txt', from: 'nine\n', to: 'NINE\n' },
      ],
    };
    const out = run(r, edits, ['-j', '3']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(
      /^Workspace: a git worktree per task in .*repo, base [0-9a-f]{12} \(main\)$/m,
    );
    expect(out.stderr).toMatch(/uncommitted changes in .*repo are in no task's worktree/);
    expect(userTree(r.repo)).toEqual(before);

    for (const [id, file] of [
      ['P1', 'a.txt'],
      ['P2', 'b.txt'],
      ['P3', 'c.txt'],
    ] as const) {
      const branch = `nova/tree-work/tasks/${id}`;
      const changed = git(r.repo, 'diff', '--name-only', 'main', branch).split('\n').sort();
      expect(changed, branch).toEqual([file, 'shared.txt']);
    }
    const result = 'nova/tree-work/result';
    expect(out.stdout).toContain(`git merge ${result}`);
    expect(git(r.repo, 'show', `${result}:shared.txt`)).toBe(
      'ONE\ntwo\nthree\nfour\nFIVE\nsix\nseven\neight\nNINE',
    );
    for (const f of ['a.txt', 'b.txt', 'c.txt']) git(r.repo, 'cat-file', '-e', `${result}:${f}`);
    const state = await readState(join(r.repo, 'cascade_state.json'));
    expect(state.tasks.P1!.git).toMatchObject({
      branch: 'nova/tree-work/tasks/P1',
      files: expect.arrayContaining([{ path: 'a.txt', added: 1, removed: 0 }]),
    });
    expect(state.project.workspace?.result?.branch).toBe(result);
    const status = nova(['status'], r.repo);
    expect(status.stdout).toMatch(
      /P2 {2}nova\/tree-work\/tasks\/P2 @ [0-9a-f]{12} {2}2 files \+2 -1/,
    );
  });

  test('a diamond: D starts from A, B and C merged; conflicting B and C fail D before any agent runs', async () => {
    const rows = [
      '| A | Base | a | - |',
      '| B | Left | b | A |',
      '| C | Right | c | A |',
      '| D | Join | d | B, C |',
    ];
    const r = repository(planOf(rows), { 'shared.txt': SHARED });
    const edits = {
      A: [{ write: 'a.txt', text: 'a\n' }],
      B: [{ replace: 'shared.txt', from: 'two\n', to: 'TWO (B)\n' }],
      C: [{ replace: 'shared.txt', from: 'eight\n', to: 'EIGHT (C)\n' }],
      D: [{ write: 'd-saw.txt', text: 'd\n' }],
    };
    const ok = run(r, edits);
    expect(ok.code, ok.stderr).toBe(0);
    // D's branch has every dependency's work under its own change.
    const d = 'nova/tree-work/tasks/D';
    expect(git(r.repo, 'show', `${d}:shared.txt`)).toContain('TWO (B)');
    expect(git(r.repo, 'show', `${d}:shared.txt`)).toContain('EIGHT (C)');
    git(r.repo, 'cat-file', '-e', `${d}:a.txt`);

    // The same plan in a fresh repository, with B and C changing the same line.
    const r2 = repository(planOf(rows), { 'shared.txt': SHARED });
    const clash = {
      ...edits,
      B: [{ replace: 'shared.txt', from: 'five\n', to: 'FIVE (B)\n' }],
      C: [{ replace: 'shared.txt', from: 'five\n', to: 'FIVE (C)\n' }],
    };
    const failed = run(r2, clash);
    expect(failed.code).toBe(1);
    expect(stackTraceLines(failed.stderr)).toEqual([]);
    const state = await readState(join(r2.repo, 'cascade_state.json'));
    expect(state.tasks.D).toMatchObject({ status: 'failed', failure_kind: 'merge_conflict' });
    expect(state.tasks.D!.error).toMatch(/shared\.txt/);
    expect(state.tasks.D!.error).toMatch(/\bB\b.*\bC\b|\bC\b.*\bB\b/);
    // No agent ever ran for D: the editor counts its attempts.
    expect(existsSync(join(r2.stateDir, 'D.attempts'))).toBe(false);
  });

  test('verify gates completed: a broken change fails verify_failed; the retry sees the output and fixes it', async () => {
    const r = repository(planOf(['| V1 | Value | set value.txt | - |']), { 'value.txt': '0\n' });
    const edits = {
      'V1#1': [{ replace: 'value.txt', from: '0\n', to: 'broken\n' }],
      'V1#2': [{ replace: 'value.txt', from: 'broken\n', to: '42\n' }],
    };
    const verify = `'${process.execPath}' -e "const v=require('fs').readFileSync('value.txt','utf8').trim(); if (!/^\\\\d+$/.test(v)) { console.log('value.txt is not a number: ' + v); process.exit(1) }"`;
    const out = run(r, edits, ['--verify', verify, '--retries', '1']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^retrying +V1 .*verify .* exited with code 1/m);
    const second = readFileSync(join(r.stateDir, 'V1.2.prompt'), 'utf8');
    expect(second).toContain('A previous attempt at this task was rejected');
    expect(second).toContain('value.txt is not a number: broken');
    expect(git(r.repo, 'show', 'nova/tree-work/tasks/V1:value.txt')).toBe('42');
    const state = await readState(join(r.repo, 'cascade_state.json'));
    expect(state.tasks.V1).toMatchObject({ status: 'completed', attempts: 2 });
  });

  test('nova killed mid-change: the next run resets the worktree, and the result has no trace of it', async () => {
    const r = repository(planOf(['| K1 | Kept | write k.txt | - |']), { 'base.txt': 'base\n' });
    const editsFile = join(r.dir, 'edits.json');
    writeFileSync(
      editsFile,
      JSON.stringify({
        'K1#1': [{ write: 'half-written.txt', text: 'half\n' }],
        'K1#2': [{ write: 'k.txt', text: 'done\n' }],
      }),
    );
    const env = { PG_EDITS: editsFile, PG_STATE_DIR: r.stateDir, PG_GATE: join(r.dir, 'never') };
    const first = startNova(['run', '--worker-cmd', EDITOR], r.repo, env);
    await waitFor(() => existsSync(join(r.stateDir, 'K1.1.prompt')), 'the first attempt to start');
    first.child.kill('SIGKILL');
    await first.exited;
    const again = nova(['run', '--worker-cmd', EDITOR], r.repo, { ...env, PG_GATE: '' });
    expect(again.code, again.stderr).toBe(0);
    const result = 'nova/tree-work/result';
    git(r.repo, 'cat-file', '-e', `${result}:k.txt`);
    expect(git(r.repo, 'ls-tree', '-r', '--name-only', result).split('\n')).not.toContain(
      'half-written.txt',
    );
  });

  test('hostile task names reach git only as data; nova clean removes the worktrees, branches stay', async () => {
    const sentinel = join(tempDir(), 'pwned');
    const name = `$(touch ${sentinel}) \`touch ${sentinel}\`; rm -rf / && echo "x" | cat`;
    const r = repository(planOf([`| H1 | ${name.replaceAll('|', '\\|')} | h | - |`]), {
      'x.txt': 'x\n',
    });
    const out = run(r, { H1: [{ write: 'h.txt', text: 'h\n' }] });
    expect(out.code, out.stderr).toBe(0);
    expect(existsSync(sentinel)).toBe(false);
    // The name exactly as the parser read it (a code span loses its backticks).
    const parsed = JSON.parse(nova(['plan', '--json'], r.repo).stdout).tasks[0].name;
    expect(parsed).toContain('$(touch');
    expect(git(r.repo, 'log', '-1', '--format=%s', 'nova/tree-work/tasks/H1')).toBe(
      `H1: ${parsed}`,
    );
    expect(existsSync(join(r.repo, 'worktrees', 'H1'))).toBe(true);
    const clean = nova(['clean'], r.repo);
    expect(clean.code, clean.stderr).toBe(0);
    expect(existsSync(join(r.repo, 'worktrees', 'H1'))).toBe(false);
    git(r.repo, 'rev-parse', '--verify', 'nova/tree-work/tasks/H1');
  });

  test('outside a git repository: shared mode, said so', () => {
    const dir = tempDir();
    dirs.push(dir);
    writeFileSync(join(dir, 'CASCADE.md'), planOf(['| S1 | S | s | - |']));
    const out = nova(['run', '--agent', 'simulated'], dir, { SIM_DURATION_MS: '50' });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(
      /^Workspace: shared, every agent works in the same folder \(.* is not inside a git repository\)$/m,
    );
  });
});
