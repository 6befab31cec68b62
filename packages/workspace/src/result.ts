/**
 * The run's result branch: the merge of the tasks nothing depends on, made in a temporary
 * worktree inside the worktrees folder (removed afterwards) and then pointed to by
 * `nova/<slug>/result`. The user's tree and branches are never involved.
 */
import { join } from 'node:path';
import type { Context } from './context.js';
import { WorkspaceError } from './errors.js';
import { withLock } from './lock.js';
import { fileList, isAncestor, mergeHeads, taskList } from './merge.js';
import { assertTaskId, resultBranch, taskBranch } from './naming.js';
import type { MergedResult, MergeResultOptions, TaskHead } from './types.js';
import { assertBranchFree, listWorktrees, removeWorktree, withAdminLock } from './worktrees.js';

let temporaryCount = 0;

export async function mergeResult(
  context: Context,
  options: MergeResultOptions,
): Promise<MergedResult> {
  for (const sink of options.sinks) assertTaskId(sink?.id);
  const branch = resultBranch(context.slug);
  return withLock(`result\0${context.dir}`, async () => {
    const ready = await context.ready();
    const base = await context.commit(options.base, 'result: base');
    const sinks: TaskHead[] = [];
    for (const s of options.sinks) {
      if (sinks.some((t) => t.id === s.id)) continue;
      sinks.push({
        id: s.id,
        head: await context.commit(s.head, `result: task ${s.id}'s head`),
      });
    }
    assertBranchFree(await listWorktrees(context), branch, null);

    let head = sinks[0]?.head ?? base;
    let contained = true;
    for (const s of sinks.slice(1)) {
      if (!(await isAncestor(context, s.head, head))) contained = false;
    }
    if (!contained) {
      // `.result-*` cannot be a task's folder: task ids start with a letter or digit.
      const path = join(ready.dir, `.result-${process.pid}-${++temporaryCount}`);
      try {
        await withAdminLock(ready, () =>
          context.git(['worktree', 'add', '--no-checkout', '--detach', path, head]),
        );
        await context.git(['reset', '-q', '--hard'], path);
        const names = taskList(sinks.map((s) => s.id));
        const conflict = await mergeHeads(
          context,
          path,
          sinks,
          1,
          (m) =>
            `nova: merge ${m.id} into the result of ${context.slug}\n\nThe result holds the work of ${names}.\n`,
        );
        if (conflict !== null) {
          const others = conflict.earlier.length > 0 ? conflict.earlier : sinks.slice(0, 1);
          const ids = others.map((o) => o.id);
          throw new WorkspaceError(
            'MERGE_CONFLICT',
            `the result cannot be made: the work of ${taskList(ids)} and ${conflict.merging.id} conflicts in ${fileList(conflict.files)}; ${branch} was not changed. Merge by hand in a worktree of your own, e.g. \`git worktree add -b my-result ../my-result ${taskBranch(context.slug, ids[0]!)}\`, then \`git merge ${taskBranch(context.slug, conflict.merging.id)}\` there`,
            { conflicts: { files: conflict.files, tasks: [...ids, conflict.merging.id] } },
          );
        }
        head = (await context.git(['rev-parse', 'HEAD'], path)).stdout.trim();
      } finally {
        await removeWorktree(context, ready, path);
      }
    }
    // `git branch -f` refuses a branch checked out anywhere: the check above, made atomic.
    await context.git(['branch', '-f', branch, head]);
    return { branch, head };
  });
}
