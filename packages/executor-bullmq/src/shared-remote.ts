/**
 * Worktree mode across machines: one git remote every machine reaches (`--repo`). Its layout:
 * - `refs/nova/<slug>/bases/<sha>`: a run's base commit, pushed by the orchestrator before the
 *   first job (never moved, so two runs with different bases do not disturb each other);
 * - `refs/heads/nova/<slug>/tasks/<id>`: a task's work, pushed by the worker that completed it
 *   (the branch name a local run uses), and where a user pushes a merge conflict resolved by hand;
 * - `refs/heads/nova/<slug>/result`: the result, pushed by the orchestrator at the end.
 * Each machine keeps a repository of its own; git moves only what is missing.
 */
import type { Workspaces } from '@program-nova/workspace';

export const baseRef = (slug: string, base: string): string => `refs/nova/${slug}/bases/${base}`;
export const taskRef = (slug: string, id: string): string => `refs/heads/nova/${slug}/tasks/${id}`;
const TASKS = (slug: string) => `refs/heads/nova/${slug}/tasks/`;

/** Where a worker keeps what it fetched of the remote's task branches (not its own branches). */
export const fetchedTaskRef = (slug: string, id: string): string =>
  `refs/remotes/nova-shared/${slug}/tasks/${id}`;

/** The refspecs a worker fetches before a task: the base and every task branch. */
export function inputRefspecs(slug: string, base: string): string[] {
  return [
    `+${baseRef(slug, base)}:${baseRef(slug, base)}`,
    `+${TASKS(slug)}*:${fetchedTaskRef(slug, '*')}`,
  ];
}

/** The orchestrator's side: the base out before the first job, the tasks' work and the result back. */
export class SharedRemote {
  readonly #pushed = new Map<string, Promise<void>>();

  constructor(
    readonly url: string,
    readonly workspaces: Workspaces,
    /** The repository subfolder agents run in (the user's own place in the repository). */
    readonly subdir: string,
  ) {}

  /** Pushes `base` under the run's base ref, once per base. */
  pushBase(base: string): Promise<void> {
    let pushing = this.#pushed.get(base);
    if (!pushing) {
      const slug = this.workspaces.projectSlug;
      pushing = this.workspaces.push(this.url, [`${base}:${baseRef(slug, base)}`]);
      // A failure is reported to this attempt; the next one tries again.
      pushing.catch(() => this.#pushed.delete(base));
      this.#pushed.set(base, pushing);
    }
    return pushing;
  }

  /**
   * Fetches every task branch into the user's repository (as a local run leaves them) and merges
   * the result there; the result branch is pushed back for the other machines' users.
   */
  async mergeResult(input: {
    sinks: { id: string; head: string }[];
    base: string;
  }): Promise<{ branch: string; head: string }> {
    const slug = this.workspaces.projectSlug;
    await this.workspaces.fetch(this.url, [`+${TASKS(slug)}*:${TASKS(slug)}*`]);
    const result = await this.workspaces.mergeResult(input);
    await this.workspaces.push(this.url, [
      `+refs/heads/${result.branch}:refs/heads/${result.branch}`,
    ]);
    return result;
  }
}
