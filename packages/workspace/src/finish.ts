/** After an agent exits 0: commit what it left, and say what the task changed. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from './context.js';
import { WorkspaceError } from './errors.js';
import { gitFailure, isPlainRevision } from './git.js';
import { withTask } from './task-target.js';
import type { ChangedFile, FinishedTask, FinishOptions } from './types.js';

/** `git diff --numstat -z` output: `added\tremoved\tpath\0` per file, `-` counts for binaries. */
export function parseNumstat(text: string): ChangedFile[] {
  const files: ChangedFile[] = [];
  for (const entry of text.split('\0')) {
    const first = entry.indexOf('\t');
    const second = entry.indexOf('\t', first + 1);
    if (first < 0 || second < 0) continue;
    const count = (s: string) => (s === '-' ? null : Number(s));
    files.push({
      path: entry.slice(second + 1),
      added: count(entry.slice(0, first)),
      removed: count(entry.slice(first + 1, second)),
    });
  }
  return files;
}

export async function finishTask(context: Context, options: FinishOptions): Promise<FinishedTask> {
  if (typeof options.message !== 'string' || options.message.trim() === '') {
    throw new TypeError('finish: message must be a non-empty string');
  }
  return withTask(context, options.taskId, async ({ taskId, branch, path }) => {
    if (!existsSync(join(path, '.git'))) {
      throw new WorkspaceError(
        'NO_WORKTREE',
        `task ${taskId} has no worktree at ${path} (prepare it first)`,
      );
    }
    // One call answers both questions: which commit the start point is, and which branch the
    // worktree is on ('HEAD' when detached). `--` keeps the start point from reading as a path.
    const startPoint = options.startPoint;
    const where = !isPlainRevision(startPoint)
      ? null
      : await context.git(
          ['rev-parse', `${startPoint}^{commit}`, '--symbolic-full-name', 'HEAD', '--'],
          path,
          { ok: [128] },
        );
    const [base, ref] = where?.code === 0 ? where.stdout.split('\n') : [];
    if (base === undefined || ref === undefined) {
      throw new WorkspaceError(
        'UNKNOWN_COMMIT',
        `task ${taskId}: start point ${JSON.stringify(startPoint)} is not a commit in the repository`,
      );
    }
    if (ref !== `refs/heads/${branch}`) {
      const on = ref === 'HEAD' ? 'a detached HEAD' : `branch ${ref.replace(/^refs\/heads\//, '')}`;
      throw new WorkspaceError(
        'NOT_ON_TASK_BRANCH',
        `task ${taskId}'s worktree ${path} is on ${on}, not on ${branch}; nothing was committed (switch it back with \`git switch ${branch}\` there)`,
      );
    }
    await context.git(['add', '-A'], path);
    // The message goes through stdin: no argv length limit, nothing in it is ever an option.
    const commitArgs = [
      ...(await context.commitOptions()),
      'commit',
      '-q',
      '--no-verify',
      '-F',
      '-',
    ];
    const commit = await context.git(commitArgs, path, {
      input: options.message.replace(/\0/g, ''),
      ok: [1],
    });
    // Exit 1 is how git says "nothing to commit", and also how some failures end: ask the index.
    const committed = commit.code === 0;
    if (!committed) {
      const staged = await context.git(['diff', '--cached', '--quiet'], path, { ok: [1] });
      if (staged.code === 1) throw gitFailure(commitArgs, commit);
    }
    const after = (await context.git(['rev-parse', 'HEAD'], path)).stdout.trim();
    const numstat = await context.git(
      ['diff', '--numstat', '-z', '--no-renames', base, after],
      path,
    );
    return { branch, base, head: after, committed, files: parseNumstat(numstat.stdout) };
  });
}
