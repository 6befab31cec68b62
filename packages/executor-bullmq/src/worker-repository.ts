/**
 * A worker machine's side of worktree mode: a repository of its own (`<dir>/repo`, made with git
 * init), task worktrees beside it (`<dir>/worktrees/<slug>/<id>`), filled from the shared remote
 * named by the worker's own `--repo` (never by a job). The worktree itself is prepared by the same
 * @program-nova/workspace code as a local run.
 */
import { join } from 'node:path';
import {
  createWorkspaces,
  initRepository,
  projectSlug,
  type Workspaces,
} from '@program-nova/workspace';
import type { JobWorkspace } from './job-data.js';
import { fetchedTaskRef, inputRefspecs, taskRef } from './shared-remote.js';

export interface WorkerRepositoryOptions {
  /** The shared remote (a path or URL every machine reaches). */
  url: string;
  /** This worker's folder for its repository and worktrees. */
  dir: string;
  env?: NodeJS.ProcessEnv;
}

export class WorkerRepository {
  readonly #o: WorkerRepositoryOptions;
  #root: Promise<string> | null = null;
  readonly #sets = new Map<string, Workspaces>();

  constructor(o: WorkerRepositoryOptions) {
    this.#o = o;
  }

  get url(): string {
    return this.#o.url;
  }

  /** Where this machine keeps its repository (the worker's own, not the shared remote). */
  get repositoryDir(): string {
    return join(this.#o.dir, 'repo');
  }

  async #workspaces(slug: string): Promise<Workspaces> {
    this.#root ??= initRepository(this.repositoryDir, { env: this.#o.env }).catch((e) => {
      this.#root = null;
      throw e;
    });
    const root = await this.#root;
    let set = this.#sets.get(slug);
    if (!set) {
      set = createWorkspaces({
        repoRoot: root,
        worktreesDir: join(this.#o.dir, 'worktrees', slug),
        projectSlug: slug,
        env: this.#o.env,
      });
      this.#sets.set(slug, set);
    }
    return set;
  }

  /**
   * Fetches the task's inputs (the base and the task branches) and, when the remote holds work on
   * the task's own branch that is not Nova's last completed attempt (a merge conflict resolved by
   * hand), makes it the task's branch here, so the worktree starts from it. Throws WorkspaceError
   * (REMOTE_FAILED when the remote cannot be read).
   */
  async prepareInputs(project: string, taskId: string, w: JobWorkspace): Promise<Workspaces> {
    const slug = projectSlug(project);
    const ws = await this.#workspaces(slug);
    await ws.fetch(this.#o.url, inputRefspecs(slug, w.base));
    const pushed = await ws.commitOf(fetchedTaskRef(slug, taskId));
    if (pushed !== null && pushed !== w.previousHead) {
      const here = await ws.commitOf(`refs/heads/${ws.branchFor(taskId)}`);
      if (here !== pushed) await ws.adopt(taskId, pushed);
    }
    return ws;
  }

  /**
   * Pushes the task's branch (its completed work) to the remote, then frees its worktree folder: a
   * worker serving a long plan would otherwise keep a checkout per task it ever ran. (The branch
   * and start record stay; a rerun makes the folder again.)
   */
  async deliverTask(ws: Workspaces, taskId: string): Promise<void> {
    const ref = taskRef(ws.projectSlug, taskId);
    await ws.push(this.#o.url, [`+${ref}:${ref}`]);
    await this.release(ws, taskId);
  }

  /** Frees the task's worktree folder (best effort: a leftover folder is replaced when needed). */
  async release(ws: Workspaces, taskId: string): Promise<void> {
    await ws.release(taskId).catch(() => false);
  }
}
