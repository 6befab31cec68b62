/** Every way a workspace operation can fail. Stable strings: programs branch on them. */
export type WorkspaceErrorCode =
  | 'GIT_NOT_FOUND'
  | 'GIT_TOO_OLD'
  | 'NOT_A_REPOSITORY'
  | 'NO_COMMITS'
  | 'INVALID_TASK_ID'
  | 'INVALID_BRANCH_NAME'
  | 'UNKNOWN_COMMIT'
  | 'MERGE_CONFLICT'
  | 'MERGE_IN_PROGRESS'
  | 'BRANCH_IN_USE'
  | 'NO_WORKTREE'
  | 'NOT_ON_TASK_BRANCH'
  | 'INVALID_REMOTE'
  | 'REMOTE_FAILED'
  | 'GIT_FAILED';

/** What a MERGE_CONFLICT is about: the files git could not merge and the tasks whose work met there. */
export interface MergeConflict {
  files: string[];
  /** Earlier task(s) first, then the task whose work was being merged in. */
  tasks: string[];
}

export interface WorkspaceErrorFields {
  cause?: unknown;
  conflicts?: MergeConflict;
  /** GIT_FAILED: the git command (argv, never a shell line) and the end of what it printed. */
  argv?: readonly string[];
  stderrTail?: string;
}

/** The one error class of @program-nova/workspace. `code` is stable; `message` is for people. */
export class WorkspaceError extends Error {
  override readonly name = 'WorkspaceError';
  readonly code: WorkspaceErrorCode;
  readonly conflicts: MergeConflict | undefined;
  readonly argv: readonly string[] | undefined;
  readonly stderrTail: string | undefined;

  constructor(code: WorkspaceErrorCode, message: string, fields: WorkspaceErrorFields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.code = code;
    this.conflicts = fields.conflicts;
    this.argv = fields.argv;
    this.stderrTail = fields.stderrTail;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      conflicts: this.conflicts,
      argv: this.argv,
      stderrTail: this.stderrTail,
    };
  }
}
