/** After an agent exits 0: commit what it left, and say what the task changed. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from './context.js';
import { WorkspaceError } from './errors.js';
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
    const base = await context.commit(options.startPoint, `task ${taskId}: start point`);
    const head = await context.git(['symbolic-ref', '-q', 'HEAD'], path, { ok: [1] });
    if (head.stdout.trim() !== `refs/heads/${branch}`) {
      const where =
        head.code === 0
          ? `branch ${head.stdout.trim().replace(/^refs\/heads\//, '')}`
          : 'a detached HEAD';
      throw new WorkspaceError(
        'NOT_ON_TASK_BRANCH',
        `task ${taskId}'s worktree ${path} is on ${where}, not on ${branch}; nothing was committed (switch it back with \`git switch ${branch}\` there)`,
      );
    }
    await context.git(['add', '-A'], path);
    const staged = await context.git(['diff', '--cached', '--quiet'], path, { ok: [1] });
    const committed = staged.code === 1;
    if (committed) {
      // The message goes through stdin: no argv length limit, nothing in it is ever an option.
      await context.git(
        [...(await context.commitOptions()), 'commit', '-q', '--no-verify', '-F', '-'],
        path,
        { input: options.message.replace(/\0/g, '') },
      );
    }
    const after = (await context.git(['rev-parse', 'HEAD'], path)).stdout.trim();
    const numstat = await context.git(
      ['diff', '--numstat', '-z', '--no-renames', base, after],
      path,
    );
    return { branch, base, head: after, committed, files: parseNumstat(numstat.stdout) };
  });
}
