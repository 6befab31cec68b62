/**
 * Merging tasks' heads, one at a time, inside a Nova-owned worktree (a task's, or a temporary one
 * for the result). One merge per head keeps a conflict attributable to a pair of tasks.
 */
import type { Context } from './context.js';
import { gitFailure } from './git.js';
import type { TaskHead } from './types.js';

export interface ChainConflict {
  files: string[];
  /** The head whose merge conflicted. */
  merging: TaskHead;
  /** Heads merged before it that changed at least one of the conflicting files. */
  earlier: TaskHead[];
}

const nulList = (text: string): string[] => text.split('\0').filter((s) => s !== '');

/** Whether commit `a` is `b` or one of its ancestors (`cwd` says whose HEAD a 'HEAD' is). */
export async function isAncestor(
  context: Context,
  a: string,
  b: string,
  cwd?: string,
): Promise<boolean> {
  const r = await context.git(['merge-base', '--is-ancestor', a, b], cwd, { ok: [1, 128] });
  return r.code === 0;
}

/** The earlier heads whose own changes (since they parted from `merging`) touch `files`. */
async function touching(
  context: Context,
  earlier: readonly TaskHead[],
  merging: TaskHead,
  files: string[],
): Promise<TaskHead[]> {
  const wanted = new Set(files);
  const found: TaskHead[] = [];
  for (const e of earlier) {
    const base = await context.git(['merge-base', e.head, merging.head], undefined, { ok: [1] });
    if (base.code !== 0) continue;
    const diff = await context.git([
      'diff',
      '--name-only',
      '--no-renames',
      '-z',
      base.stdout.trim(),
      e.head,
    ]);
    if (nulList(diff.stdout).some((f) => wanted.has(f))) found.push(e);
  }
  return found;
}

/**
 * In the worktree at `cwd`, merges `heads[from..]` in order with `git merge --no-ff`, skipping any
 * HEAD already contains. Resolves null when every one is in; on a conflict the merge is aborted
 * (HEAD stays at the last good merge) and the conflict is returned.
 */
export async function mergeHeads(
  context: Context,
  cwd: string,
  heads: readonly TaskHead[],
  from: number,
  message: (head: TaskHead) => string,
): Promise<ChainConflict | null> {
  const commitOptions = await context.commitOptions();
  const mergeOptions = await context.mergeOptions();
  for (let k = from; k < heads.length; k++) {
    const merging = heads[k]!;
    if (await isAncestor(context, merging.head, 'HEAD', cwd)) continue;
    const args = [
      ...commitOptions,
      'merge',
      '-q',
      '--no-ff',
      '--no-edit',
      ...mergeOptions,
      '-m',
      message(merging),
      merging.head,
    ];
    const r = await context.git(args, cwd, { ok: [1] });
    if (r.code === 0) continue;
    const unmerged = await context.git(['diff', '--name-only', '-z', '--diff-filter=U'], cwd);
    const files = [...new Set(nulList(unmerged.stdout))].sort();
    await context.git(['merge', '--abort'], cwd, { ok: [128] });
    if (files.length === 0) throw gitFailure(args, r);
    return { files, merging, earlier: await touching(context, heads.slice(0, k), merging, files) };
  }
  return null;
}

/** "a.ts, b.ts and 3 more": a file list that keeps an error message on one line. */
export function fileList(files: readonly string[], most = 5): string {
  const shown = files.slice(0, most).map((f) => JSON.stringify(f).slice(1, -1));
  const more = files.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** "B", "B and C", "A, B and C". */
export function taskList(ids: readonly string[]): string {
  return ids.length <= 1 ? (ids[0] ?? '') : `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;
}
