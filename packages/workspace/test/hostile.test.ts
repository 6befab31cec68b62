/** Ids, names and revisions written to break out: typed errors, and nothing ever runs. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnvironment } from '../src/git.js';
import { createWorkspaces, WorkspaceError } from '../src/index.js';
import { checkBranchName } from '../src/naming.js';
import { git, makeRepo, type TestRepo, workspacesFor, write } from './helpers.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

const code = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return (error as WorkspaceError).code;
  }
  return undefined;
};

describe('hostile input', () => {
  it('rejects ids outside the task id rule with INVALID_TASK_ID, everywhere', async () => {
    repo = makeRepo();
    const ws = workspacesFor(repo);
    for (const id of ['', '-x', '.x', 'a/b', '../up', 'a b', '$(touch x)', 'a;b', 'ä', 'x\n']) {
      expect(
        code(() => ws.branchFor(id)),
        id,
      ).toBe('INVALID_TASK_ID');
      expect(
        code(() => ws.pathFor(id)),
        id,
      ).toBe('INVALID_TASK_ID');
      await expect(ws.prepare({ taskId: id, base: 'HEAD' })).rejects.toMatchObject({
        code: 'INVALID_TASK_ID',
      });
    }
    await expect(
      ws.prepare({ taskId: 'T', base: 'HEAD', dependencies: [{ id: '../A', head: 'HEAD' }] }),
    ).rejects.toMatchObject({ code: 'INVALID_TASK_ID' });
    await expect(
      ws.mergeResult({ sinks: [{ id: 'a b', head: 'HEAD' }], base: 'HEAD' }),
    ).rejects.toMatchObject({ code: 'INVALID_TASK_ID' });
    expect(() => ws.branchFor(42 as unknown as string)).toThrow(WorkspaceError);
  });

  it('rejects valid task ids that are invalid ref names with INVALID_BRANCH_NAME naming the id', async () => {
    repo = makeRepo();
    const ws = workspacesFor(repo);
    for (const id of ['a..b', 'task.lock', 'ends.', 'x...y']) {
      expect(
        code(() => ws.branchFor(id)),
        id,
      ).toBe('INVALID_BRANCH_NAME');
      const error = (await ws
        .prepare({ taskId: id, base: 'HEAD' })
        .catch((e) => e)) as WorkspaceError;
      expect(error.code).toBe('INVALID_BRANCH_NAME');
      expect(error.message).toContain(JSON.stringify(id));
    }
    // Nothing was created for them.
    expect(git(repo.root, 'branch', '--list', 'nova/*')).toBe('');
    // Valid ids with dots and dashes are fine.
    expect(ws.branchFor('api.v2-x_1')).toBe('nova/test-plan/tasks/api.v2-x_1');
  });

  it("git's own check-ref-format is asked, with the name as one argv entry", async () => {
    repo = makeRepo();
    const options = { cwd: repo.root, env: cleanEnvironment() };
    await expect(checkBranchName('ok', 'nova/p/tasks/ok', options)).resolves.toBeUndefined();
    for (const bad of ['nova/p/tasks/a..b', 'nova/p/tasks/x.lock', 'nova/p/tasks/a b', '-x']) {
      await expect(checkBranchName('id', bad, options)).rejects.toMatchObject({
        code: 'INVALID_BRANCH_NAME',
      });
    }
  });

  it('a task name full of shell syntax is a commit message, never a command', async () => {
    repo = makeRepo();
    const ws = workspacesFor(repo);
    const sentinel = join(repo.tmp, 'SENTINEL');
    const message = `T: $(touch ${sentinel}) \`touch ${sentinel}\`; touch ${sentinel} && rm -rf / | cat > ${sentinel} '"\n\n-m --amend`;
    const p = await ws.prepare({ taskId: 'T', base: 'HEAD' });
    write(p.path, 'x.txt', 'x\n');
    const f = await ws.finish({ taskId: 'T', message, startPoint: p.startPoint });
    expect(existsSync(sentinel)).toBe(false);
    expect(git(repo.root, 'log', '-1', '--format=%B', f.head)).toBe(message.trimEnd());
  });

  it('revisions that look like options or shell are unknown commits, and run nothing', async () => {
    repo = makeRepo();
    const ws = workspacesFor(repo);
    const sentinel = join(repo.tmp, 'SENTINEL');
    for (const revision of [
      `--output=${sentinel}`,
      `$(touch ${sentinel})`,
      `HEAD; touch ${sentinel}`,
    ]) {
      await expect(ws.prepare({ taskId: 'T', base: revision })).rejects.toMatchObject({
        code: 'UNKNOWN_COMMIT',
      });
      await expect(
        ws.prepare({ taskId: 'T', base: 'HEAD', dependencies: [{ id: 'A', head: revision }] }),
      ).rejects.toMatchObject({ code: 'UNKNOWN_COMMIT' });
    }
    expect(existsSync(sentinel)).toBe(false);
  });

  it('a project slug that is not a slug is refused before anything runs', () => {
    for (const projectSlug of ['', '../evil', 'Has Caps', 'a/b', 'x..y']) {
      expect(() => createWorkspaces({ repoRoot: '.', worktreesDir: 'w', projectSlug })).toThrow(
        TypeError,
      );
    }
  });
});
