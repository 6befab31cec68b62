/** A task's finished work as another task depends on it: its id and its branch's head commit. */
export interface TaskHead {
  id: string;
  /** A commit (sha or any revision git resolves to a commit). */
  head: string;
}

export interface WorkspacesOptions {
  /** The user's repository: its root or any folder inside its work tree. */
  repoRoot: string;
  /** The folder that holds one worktree per task (created when missing). */
  worktreesDir: string;
  /** The plan's slug, as projectSlug() returns it; branches are `nova/<slug>/...`. */
  projectSlug: string;
  /** The environment git runs with; default process.env (git's repository variables are dropped). */
  env?: NodeJS.ProcessEnv;
}

export interface PrepareOptions {
  taskId: string;
  /** The commit tasks without dependencies start from (usually the user's HEAD when the run began). */
  base: string;
  /** The task's direct dependencies, in plan order, each with its branch's head after it completed. */
  dependencies?: readonly TaskHead[];
  /** Keep what the last attempt left in the worktree (to continue after a failed verify). */
  keepWork?: boolean;
}

export interface PreparedWorktree {
  /** The task's worktree folder. */
  path: string;
  /** `nova/<slug>/tasks/<id>`, checked out in `path`. */
  branch: string;
  /** The commit the task's work starts from (a full sha); pass it to finish() and reset(). */
  startPoint: string;
  /** The dependencies whose work the start point contains (all of them), heads as full shas. */
  contains: TaskHead[];
}

export interface FinishOptions {
  taskId: string;
  /** The commit message for what the agent left uncommitted, e.g. `F2: Error handling`. */
  message: string;
  /** The start point prepare() returned: the diff is counted from here. */
  startPoint: string;
}

export interface ChangedFile {
  path: string;
  /** Lines added; null for a binary file. */
  added: number | null;
  /** Lines removed; null for a binary file. */
  removed: number | null;
}

export interface FinishedTask {
  branch: string;
  /** The start point (a full sha). */
  base: string;
  /** The branch's head after the commit (a full sha). */
  head: string;
  /** Whether finish made a commit (false when the agent left nothing uncommitted). */
  committed: boolean;
  /** `git diff --numstat base head`, one entry per file. */
  files: ChangedFile[];
}

export interface MergeResultOptions {
  /** The tasks nothing depends on, each with its head. */
  sinks: readonly TaskHead[];
  /** The result when there are no sinks. */
  base: string;
}

export interface MergedResult {
  /** `nova/<slug>/result`. */
  branch: string;
  /** Its head (a full sha). */
  head: string;
}

export interface CleanResult {
  /** The worktree folders removed. */
  removed: string[];
}

/** One run's task worktrees and branches in one repository. */
export interface Workspaces {
  readonly repoRoot: string;
  readonly worktreesDir: string;
  readonly projectSlug: string;
  /** `nova/<slug>/result`. */
  readonly resultBranch: string;
  /** `nova/<slug>/tasks/<id>`; throws INVALID_TASK_ID or INVALID_BRANCH_NAME. */
  branchFor(taskId: string): string;
  /** The task's worktree folder, joined with `subdir` (the repository subfolder to run in). */
  pathFor(taskId: string, subdir?: string): string;
  prepare(options: PrepareOptions): Promise<PreparedWorktree>;
  finish(options: FinishOptions): Promise<FinishedTask>;
  /** Puts the task's branch and worktree back to `startPoint`, discarding everything since. */
  reset(taskId: string, startPoint: string): Promise<void>;
  mergeResult(options: MergeResultOptions): Promise<MergedResult>;
  clean(): Promise<CleanResult>;
  /**
   * Removes the task's worktree folder (to free the disk once its work is safe elsewhere); its
   * branch and start record stay. Resolves whether there was one.
   */
  release(taskId: string): Promise<boolean>;
  /** The commit `revision` names in the repository (a full sha), or null when it names none. */
  commitOf(revision: string): Promise<string | null>;
  /** `git fetch <url> <refspecs>` into the repository (INVALID_REMOTE, REMOTE_FAILED). */
  fetch(url: string, refspecs: readonly string[]): Promise<void>;
  /** `git push <url> <refspecs>` from the repository (INVALID_REMOTE, REMOTE_FAILED). */
  push(url: string, refspecs: readonly string[]): Promise<void>;
  /**
   * Sets the task's branch (and worktree) to `commit`, work made elsewhere, and forgets the task's
   * start record: the next prepare keeps it as a user's work. Only for tasks not running.
   */
  adopt(taskId: string, commit: string): Promise<void>;
}
