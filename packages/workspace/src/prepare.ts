/**
 * Preparing a task's worktree at its start point, and putting one back there.
 *
 * The start point: `base` without dependencies, the dependency's head with one, Nova's merge of
 * their heads with several. An existing branch is handled by what the start record says:
 * - it descends from the recorded start point, which still holds every input: a retry. Commits
 *   since (an attempt's) and uncommitted files are discarded, unless `keepWork`;
 * - otherwise, commits on it that are in none of the inputs were made by someone else, usually a
 *   user resolving a merge conflict: the branch is kept as it is and any input it lacks is merged
 *   into it;
 * - otherwise (nothing of its own) it is moved to a freshly made start point.
 */
import type { Context } from './context.js';
import { WorkspaceError } from './errors.js';
import { resolveCommit } from './git.js';
import type { ChainConflict } from './merge.js';
import { fileList, isAncestor, mergeHeads, taskList } from './merge.js';
import { assertTaskId, taskBranch } from './naming.js';
import { readStartRecord, removeStartRecord, writeStartRecord } from './start-record.js';
import type { TaskTarget } from './task-target.js';
import { withTask } from './task-target.js';
import type { PreparedWorktree, PrepareOptions, TaskHead } from './types.js';
import { ensureWorktree } from './worktrees.js';

/** Dependencies with valid ids, each once, heads resolved to full shas. */
async function resolveDependencies(
  context: Context,
  taskId: string,
  dependencies: readonly TaskHead[],
): Promise<TaskHead[]> {
  const seen = new Set<string>();
  const unique = dependencies.filter((d) => {
    assertTaskId(d?.id);
    if (seen.has(d.id)) return false;
    seen.add(d.id);
    return true;
  });
  return Promise.all(
    unique.map(async (d) => ({
      id: d.id,
      head: await context.commit(d.head, `task ${taskId}: dependency ${d.id}'s head`),
    })),
  );
}

/** Whether `commit` contains every one of `heads`. */
async function containsAll(context: Context, commit: string, heads: string[]): Promise<boolean> {
  const r = await context.git(['rev-list', '-n', '1', ...heads, '--not', commit]);
  return r.stdout.trim() === '';
}

/** Whether `commit` has ancestors (itself included) outside all of `others`. */
async function hasOwnCommits(context: Context, commit: string, others: string[]): Promise<boolean> {
  const r = await context.git(['rev-list', '-n', '1', commit, '--not', ...others]);
  return r.stdout.trim() !== '';
}

interface Plan {
  /** The commit the branch is set to before any merge. */
  checkout: string;
  /** Leave the worktree's files as they are (when it is already at `checkout`). */
  keep: boolean;
  /** Index of the first dependency still to merge (dependencies.length: none). */
  mergeFrom: number;
  /** Set when the start point is known without merging. */
  startPoint: string | null;
  userCommits: boolean;
}

async function planStart(
  context: Context,
  target: TaskTarget,
  tip: string | null,
  base: string,
  deps: TaskHead[],
  keepWork: boolean,
): Promise<Plan> {
  const inputs = deps.length > 0 ? deps.map((d) => d.head) : [base];
  const fresh: Plan = {
    checkout: deps[0]?.head ?? base,
    keep: false,
    mergeFrom: 1,
    startPoint: deps.length <= 1 ? (deps[0]?.head ?? base) : null,
    userCommits: false,
  };
  if (tip === null) return fresh;

  let floor: string | null = tip;
  const record = readStartRecord(target.ready.dir, target.taskId);
  if (record !== null && (await isAncestor(context, record.startPoint, tip))) {
    if (await containsAll(context, record.startPoint, inputs)) {
      return {
        checkout: keepWork ? tip : record.startPoint,
        keep: keepWork,
        mergeFrom: deps.length,
        startPoint: record.startPoint,
        userCommits: record.userCommits,
      };
    }
    // The inputs moved on. What was built on the old start point was an attempt's: dropped, but a
    // user's commits under the start point are kept.
    floor = record.userCommits ? record.startPoint : null;
  }
  if (floor === null || !(await hasOwnCommits(context, floor, [...inputs, base]))) return fresh;
  const complete = await containsAll(context, floor, inputs);
  return {
    checkout: floor,
    keep: keepWork && floor === tip && complete,
    mergeFrom: complete ? deps.length : 0,
    startPoint: complete ? floor : null,
    userCommits: true,
  };
}

function conflictError(target: TaskTarget, slug: string, conflict: ChainConflict): WorkspaceError {
  const { files, merging, earlier } = conflict;
  const others = earlier.map((e) => e.id);
  const withWhat =
    others.length > 0 ? `the work of ${taskList(others)}` : `commits on ${target.branch}`;
  const tasks = others.length > 0 ? [...others, merging.id] : [target.taskId, merging.id];
  return new WorkspaceError(
    'MERGE_CONFLICT',
    `task ${target.taskId} cannot start: merging ${merging.id}'s work into ${withWhat} conflicts in ${fileList(files)}; resolve it on branch ${target.branch} (checked out in ${target.path}): run \`git merge ${taskBranch(slug, merging.id)}\` there, fix the conflicts, commit, then \`nova retry ${target.taskId}\``,
    { conflicts: { files, tasks } },
  );
}

export function prepareTask(context: Context, options: PrepareOptions): Promise<PreparedWorktree> {
  return withTask(context, options.taskId, async (target) => {
    const base = await context.commit(options.base, `task ${target.taskId}: base`);
    const deps = await resolveDependencies(context, target.taskId, options.dependencies ?? []);
    const tip = await resolveCommit(`refs/heads/${target.branch}`, {
      cwd: target.ready.root,
      env: context.env,
    });
    const plan = await planStart(context, target, tip, base, deps, options.keepWork === true);
    await ensureWorktree(context, target.ready, target.path, target.branch, plan.checkout, {
      keep: plan.keep,
      discardMerge: false,
    });
    let startPoint = plan.startPoint;
    if (startPoint === null) {
      const names = taskList(deps.map((d) => d.id));
      const conflict = await mergeHeads(
        context,
        target.path,
        deps,
        plan.mergeFrom,
        (m) =>
          `nova: merge ${m.id} into the start of ${target.taskId}\n\nTask ${target.taskId} starts from the work of ${names}.\n`,
      );
      if (conflict !== null) {
        // Back to where the merging began, nothing half-merged, and no start point on record:
        // whatever the user commits on the branch next is theirs.
        await ensureWorktree(context, target.ready, target.path, target.branch, plan.checkout, {
          keep: false,
          discardMerge: true,
        });
        removeStartRecord(target.ready.dir, target.taskId);
        throw conflictError(target, context.slug, conflict);
      }
      startPoint = (await context.git(['rev-parse', 'HEAD'], target.path)).stdout.trim();
    }
    writeStartRecord(target.ready.dir, target.taskId, {
      startPoint,
      userCommits: plan.userCommits,
    });
    return { path: target.path, branch: target.branch, startPoint, contains: deps };
  });
}

/** Puts the task's branch and worktree at `revision` (nothing half-merged, nothing uncommitted). */
async function pointTaskAt(
  context: Context,
  target: TaskTarget,
  revision: string,
  what: string,
): Promise<string> {
  const sha = await context.commit(revision, `task ${target.taskId}: ${what}`);
  await ensureWorktree(context, target.ready, target.path, target.branch, sha, {
    keep: false,
    discardMerge: true,
  });
  return sha;
}

export function resetTask(context: Context, taskId: string, startPoint: string): Promise<void> {
  return withTask(context, taskId, async (target) => {
    const sha = await pointTaskAt(context, target, startPoint, 'start point');
    const previous = readStartRecord(target.ready.dir, taskId);
    writeStartRecord(target.ready.dir, taskId, {
      startPoint: sha,
      userCommits: previous?.startPoint === sha && previous.userCommits,
    });
  });
}

/**
 * Makes the task's branch `commit` (work someone else made, such as a merge conflict resolved by
 * hand and pushed from another machine) and forgets what prepare recorded for it, so the next
 * prepare keeps that work as a user's and merges in whatever input it still lacks.
 */
export function adoptTask(context: Context, taskId: string, commit: string): Promise<void> {
  return withTask(context, taskId, async (target) => {
    await pointTaskAt(context, target, commit, 'adopted work');
    removeStartRecord(target.ready.dir, taskId);
  });
}
