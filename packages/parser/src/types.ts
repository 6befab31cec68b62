/**
 * Public types of @program-nova/parser. This file is the contract other packages build on:
 * shapes may grow, names do not change.
 */

/** Codes of problems that make a plan invalid (each explained in the parser README). */
export type DiagnosticCode =
  | 'E_DUPLICATE_ID'
  | 'E_UNKNOWN_DEPENDENCY'
  | 'E_SELF_DEPENDENCY'
  | 'E_CYCLE'
  | 'E_INVALID_ID'
  | 'E_MISSING_COLUMN'
  | 'E_TABLE_OUTSIDE_GROUP'
  | 'E_NO_TASKS'
  /** A well-known column (`Timeout`, `Retries`, `Verify`) holds a value that cannot be read. */
  | 'E_INVALID_FIELD';

/** Codes of things worth saying that do not make a plan invalid. */
export type WarningCode =
  | 'W_NO_PROJECT_NAME'
  /** A heading that looks like a branch or group but is not at the expected level, an empty group, ... */
  | 'W_IGNORED_CONTENT';

export interface Diagnostic<Code extends string = DiagnosticCode> {
  code: Code;
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Present when the source was parsed with a filename. */
  file?: string;
  /** Extra lines for a diagnostic that has them, e.g. the second line of a duplicate ID. */
  related?: { line: number; column: number; message: string }[];
}

export type Warning = Diagnostic<WarningCode>;

export interface Task {
  id: string;
  /** `Task Name` cell, or the ID when the column is absent or empty. */
  name: string;
  /** `What Changes` cell, or '' when absent. */
  description: string;
  /** IDs in the order written, without duplicates. */
  dependsOn: string[];
  /** L1 branch name (text after `## L1:`), trimmed. */
  branch: string;
  /** L2 group name (text after `### L2:`), trimmed. */
  group: string;
  /** 1-based line of the task's table row. */
  line: number;
  /** Every column not in the four known ones, keyed by its header text as written (trimmed). */
  fields: Record<string, string>;
  /** From a `Model` column, when present and non-empty. */
  model?: string;
  /** From a `Timeout` column (`90s`, `30m`, `2h`, `1h30m`, a bare number is seconds), in milliseconds. */
  timeoutMs?: number;
  /** From a `Retries` column: extra attempts after the first. */
  retries?: number;
  /**
   * From a `Verify` column: the command (as argv) that checks the task's work after its agent exits
   * 0, run without a shell; it wins over the run's verify command.
   */
  verify?: string[];
}

export interface HierarchyGroup {
  group: string;
  /** Task IDs in file order. */
  tasks: string[];
}

export interface HierarchyBranch {
  branch: string;
  groups: HierarchyGroup[];
}

/** The minimal graph shape the graph helpers work on; a Cascade's tasks and a state's graph both fit it. */
export interface GraphNode {
  id: string;
  dependsOn: readonly string[];
}

export interface CriticalPath {
  /** The longest chain of tasks, first to last; ties broken by file order. */
  path: string[];
  /** Number of tasks on it. */
  length: number;
  /** For every task: the number of tasks on the longest chain that starts at it (itself included). */
  remaining: Record<string, number>;
}

export interface Cascade {
  projectName: string;
  /** The filename given to parseCascade, or the path given to parseCascadeFile. */
  filename?: string;
  /** All tasks in file order. */
  tasks: Task[];
  hierarchy: HierarchyBranch[];
  warnings: Warning[];
  getTask(id: string): Task | undefined;
  /** Every ID, dependencies before dependents; file order among independent tasks. */
  topologicalOrder(): string[];
  /** Tasks that list `id` in their `dependsOn` (direct dependents), in file order. */
  dependentsOf(id: string): string[];
  /** 0 for a task without dependencies, else 1 + the greatest depth among its dependencies. */
  depth(id: string): number;
  /** Tasks grouped by depth: wave 0 can run first, wave n once waves < n are done. File order within. */
  waves(): string[][];
  criticalPath(): CriticalPath;
}

export interface ParseOptions {
  /** Used in diagnostics and kept on the result. */
  filename?: string;
}
