/**
 * Public types of @program-nova/state: the on-disk document (snake_case, described in docs/architecture.md), the
 * transitions the orchestrator records, and the shapes of the pure derivations (camelCase).
 * This file is the contract other packages build on: shapes may grow, names do not change.
 */
import type { FailureKind, RunOutcome, TokenUsage } from '@program-nova/core';

export type { FailureKind, RunOutcome, TokenUsage } from '@program-nova/core';

export type TaskStatus = 'pending' | 'in_progress' | 'completed' | 'failed';

export interface ProjectState {
  name: string;
  cascade_file: string | null;
  started_at: string | null;
  completed_at: string | null;
  updated_at: string | null;
  orchestrator_pid: number | null;
  /** Host name of the running orchestrator (with the pid and start time: who writes this state). */
  orchestrator_host?: string | null;
  /** Linux: start time of the running orchestrator process, to tell its pid from a reused one. */
  orchestrator_start?: string | null;
  /** How the last run that ended did end; null while a run is on, or before the first ends. */
  outcome?: RunOutcome | null;
  /** When the last run ended (set together with `outcome`). */
  ended_at?: string | null;
  /** Set once a run works in git worktrees: where, and from which commit (kept by later runs). */
  workspace?: WorkspaceRecord;
  /**
   * While new starts are paused (an agent reported a usage limit): until when (ISO-8601 UTC).
   * Null (or absent, in files written before pauses were recorded) when not paused.
   */
  paused_until?: string | null;
  /** Why starts are paused, e.g. "usage limit reported by API-03" (set with `paused_until`). */
  pause_reason?: string | null;
  /** The task whose usage limit set the pause (null when no single task did). */
  pause_task?: string | null;
}

/** A run's git workspace: the repository, the commit every task without dependencies starts from. */
export interface WorkspaceRecord {
  /** The repository's root folder. */
  repo: string;
  /** The commit HEAD pointed at when the first run started. */
  base: string;
  /** The branch HEAD was on then (null when detached). */
  base_branch: string | null;
  /** `nova/<slug>`: every task branch is `<prefix>/tasks/<id>`. */
  branch_prefix: string;
  /** The result branch, once every task completed and their work merged. */
  result?: { branch: string; head: string; at: string } | null;
}

/** A file a task changed, with its line counts (null for a binary file). */
export interface ChangedFile {
  path: string;
  added: number | null;
  removed: number | null;
}

/** A completed task's git work: its branch, where it started, its head and what it changed. */
export interface TaskGit {
  branch: string;
  /** The commit the task started from (the base, a dependency's head, or a merge of several). */
  base: string;
  head: string;
  files: ChangedFile[];
}

export interface GraphTask {
  name: string;
  description: string;
  depends_on: string[];
  branch: string;
  group: string;
}

export interface GraphHierarchyBranch {
  branch: string;
  groups: { group: string; tasks: string[] }[];
}

export interface StateGraph {
  /** Keys in file order. */
  tasks: Record<string, GraphTask>;
  hierarchy: GraphHierarchyBranch[];
  /**
   * Set when the graph was not in the file but derived by `validateState` from a Program Nova state
   * file: every task is listed, no dependencies are known, all in one branch and group.
   */
  derived?: true;
}

/** A worker process on some machine: what `nova worker` reports when it takes a task. */
export interface TaskRunner {
  host: string;
  pid: number;
}

export interface TaskState {
  status: TaskStatus;
  worker_id: string | null;
  pid: number | null;
  /** Process group of the worker (= pid of the group leader); recorded so a restarted run can reap it. */
  pgid?: number | null;
  /**
   * Where the latest attempt ran when an executor runs tasks on other machines (a queue worker's
   * host name and pid); absent for local runs.
   */
  runner?: TaskRunner | null;
  started_at: string | null;
  completed_at: string | null;
  duration_seconds: number | null;
  current_step: string | null;
  token_usage: TokenUsage;
  cost_usd: number | null;
  model: string | null;
  error: string | null;
  failure_kind: FailureKind | null;
  exit_code: number | null;
  /** Attempts that ran to an outcome (interruptions and usage limits do not count). */
  attempts: number;
  /**
   * Times the task was reset (`task_reset`: `nova retry`, `--rerun-changed`), which starts its
   * attempts from 1 again; absent until the first. With `attempts`, names one attempt for good: an
   * executor that keeps attempts outside the run (a queue) keys them by both, so an attempt of an
   * earlier series never stands in for a new one.
   */
  resets?: number;
  /** When a scheduled retry (or a usage-limit requeue) may start. */
  retry_at: string | null;
  log_path: string | null;
  commit_sha: string | null;
  files_changed: string[] | null;
  /**
   * Tokens and dollars of earlier attempts (failed, interrupted, usage-limited), already included in
   * `token_usage` / `cost_usd`. Kept so that a new attempt's running totals (which the agent reports
   * from zero) add to what was already spent instead of replacing it. Absent until a second attempt.
   */
  earlier_attempts?: { token_usage: TokenUsage; cost_usd: number | null };
  /**
   * Set when the last attempt's log could not be written completely (a full disk): how much was
   * written and why. The log is then not the whole output.
   */
  log_incomplete?: string | null;
  /**
   * A completed task whose plan entry changed after it ran: the fields that changed. It stays
   * completed (its work is done) until it is run again (`rerunChanged`), which clears this.
   */
  changed_since_run?: PlanField[];
  /**
   * What the agent reported when the task completed (its final result text, clipped): quoted in
   * the prompts of the tasks that depend on it.
   */
  result_text?: string | null;
  /** In worktree mode, once it completed: its branch, start point, head and changed files. */
  git?: TaskGit | null;
}

/** A task the plan no longer has: its last record, kept so that what it spent still counts. */
export interface RemovedTask extends TaskState {
  removed_at: string;
  /** Its entry in the plan when it was removed. */
  graph: GraphTask;
}

/** A field of a task's plan entry that changed. */
export type PlanField = 'name' | 'description' | 'depends_on' | 'branch' | 'group';

/** What a run found changed in the plan when it opened the state. */
export interface PlanChange {
  at: string;
  added: string[];
  removed: string[];
  /** Tasks kept by id whose plan entry changed, with their status at the time. */
  changed: { id: string; fields: PlanField[]; status: TaskStatus }[];
  /** Set when the plan's project name changed (a run with `replan`). */
  renamed?: { from: string; to: string };
}

/** A warning a run reported (start-up problems, reaped processes, plan changes...). */
export interface WarningRecord {
  at: string;
  code: string;
  message: string;
}

export interface MilestoneRecord {
  id: string;
  name: string;
  message: string;
  triggered_at: string;
}

export interface CascadeState {
  schema_version: 1;
  project: ProjectState;
  graph: StateGraph;
  /** Keys in file order (same order as graph.tasks). */
  tasks: Record<string, TaskState>;
  milestones: MilestoneRecord[];
  /** Tasks removed from the plan, with their records (their spend still counts in totals). */
  removed_tasks: Record<string, RemovedTask>;
  /** Plan changes found when runs opened this state, oldest first (the latest 20). */
  plan_changes: PlanChange[];
  /** Warnings runs reported, oldest first (the latest 100). */
  warnings: WarningRecord[];
  /** Sequence number of the last journal entry folded into this snapshot (store bookkeeping). */
  journal_seq?: number;
}

/**
 * One state change. The orchestrator records these through the store; the store journals them
 * (one JSON line each: `{ "seq": n, ...transition }`) and folds them into the snapshot with
 * `applyTransition`, which is pure and also used for recovery (replay).
 * All `at` values are ISO-8601 UTC.
 */
export type Transition =
  | {
      type: 'run_started';
      at: string;
      pid: number;
      cascade_file: string | null;
      host?: string;
      proc_start?: string;
    }
  | { type: 'run_finished'; at: string; completed: boolean; outcome?: RunOutcome }
  | {
      type: 'plan_reconciled';
      at: string;
      graph: StateGraph;
      project_name: string;
      added: string[];
      removed: string[];
      changed?: PlanChange['changed'];
    }
  | {
      type: 'task_started';
      at: string;
      id: string;
      worker_id: string;
      pid: number | null;
      pgid: number | null;
      log_path: string | null;
      model: string | null;
      /** The remote worker that took the attempt (queue executors), if any. */
      runner?: TaskRunner | null;
    }
  | {
      /** Live progress while running: token totals so far (not deltas), step text, model. */
      type: 'task_progress';
      at: string;
      id: string;
      token_usage?: TokenUsage;
      cost_usd?: number | null;
      current_step?: string | null;
      model?: string | null;
    }
  | {
      type: 'task_completed';
      at: string;
      id: string;
      exit_code: 0;
      token_usage: TokenUsage;
      cost_usd: number | null;
      model: string | null;
      commit_sha?: string | null;
      files_changed?: string[] | null;
      log_incomplete?: string | null;
      result_text?: string | null;
      git?: TaskGit | null;
    }
  | {
      /**
       * An attempt ended in failure. When `retry_at` is set the task goes back to `pending`
       * (a retry is scheduled), otherwise it is `failed`. `counts_as_attempt: false` for usage limits.
       */
      type: 'task_failed';
      at: string;
      id: string;
      error: string;
      failure_kind: FailureKind;
      exit_code: number | null;
      token_usage: TokenUsage;
      cost_usd: number | null;
      model: string | null;
      retry_at: string | null;
      counts_as_attempt: boolean;
      log_incomplete?: string | null;
    }
  | {
      /** Nova stopped a running task (Ctrl-C, SIGTERM, or found it orphaned on resume): back to pending. */
      type: 'task_interrupted';
      at: string;
      id: string;
      reason: string;
    }
  | {
      /**
       * A task is cleared to pending (attempts reset): `nova retry` of a failed task (unblocking its
       * dependents), or a completed one to run again because its plan entry changed.
       */
      type: 'task_reset';
      at: string;
      id: string;
      reason?: string;
    }
  | { type: 'warning'; at: string; code: string; message: string }
  | {
      /** The first run in worktree mode: the repository and base commit every later run keeps. */
      type: 'workspace_opened';
      at: string;
      repo: string;
      base: string;
      base_branch: string | null;
      branch_prefix: string;
    }
  | {
      /** Every task completed and the sinks' work was merged into the result branch. */
      type: 'result_merged';
      at: string;
      branch: string;
      head: string;
    }
  | { type: 'milestone_reached'; at: string; id: string; name: string; message: string }
  | {
      /**
       * New starts are paused until `until` (a usage limit). A later `run_paused` replaces the
       * pause (it may be earlier: a known reset time beats a guessed one).
       */
      type: 'run_paused';
      at: string;
      until: string;
      reason: string;
      /** The task that reported the limit; null when none did (a pause carried over from a run). */
      task: string | null;
    }
  | {
      /** The pause is over: new starts resume. */
      type: 'run_resumed';
      at: string;
    };

export type TransitionType = Transition['type'];

/** A transition as stored in the journal. */
export type JournalEntry = Transition & { seq: number };

/* ---------- derivations (camelCase, computed, never stored) ---------- */

/** A pause of new starts that holds (`pauseOf`). */
export interface RunPause {
  /** ISO time until which nothing new starts. */
  until: string;
  reason: string;
  task: string | null;
}

export interface StatusSummary {
  totalTasks: number;
  completed: number;
  failed: number;
  inProgress: number;
  /** Pending and not blocked. */
  pending: number;
  /** Pending with a failed task among its transitive dependencies. */
  blocked: number;
  activeWorkers: number;
}

export type RollupStatus = 'failed' | 'in_progress' | 'completed' | 'pending';

export interface Rollup {
  status: RollupStatus;
  counts: StatusSummary;
  /** Sum of task durations (running tasks count up to `now`). */
  taskSeconds: number;
  /** From the earliest start to the latest end (or `now` while anything runs); null if nothing started. */
  wallSeconds: number | null;
  startedAt: string | null;
  endedAt: string | null;
  tokens: TokenUsage;
  /** Sum over tasks whose cost is known (recorded, or computed from tokens with a known model). */
  costUsd: number;
  /** Tasks that used tokens but whose cost is unknown (no recorded cost and an unpriced model). */
  costUnknownTasks: number;
}

export interface GroupRollup extends Rollup {
  branch: string;
  group: string;
  tasks: string[];
}

export interface BranchRollup extends Rollup {
  branch: string;
  groups: GroupRollup[];
}

export interface ProjectRollup extends Rollup {
  name: string;
  branches: BranchRollup[];
  /**
   * Tasks removed from the plan (their records are kept): what they spent is included in this
   * rollup's `tokens` and `costUsd`, and shown here apart. Not in `counts`.
   */
  removed: { tasks: number; tokens: TokenUsage; costUsd: number };
}

/** Dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export type PricingTable = Record<string, ModelPrice>;

export type MilestoneCondition =
  | { type: 'all_tasks_completed'; tasks?: string[] }
  | { type: 'percentage_complete'; threshold: number }
  | { type: 'any_task_failed' }
  | { type: 'group_completed'; group: string; branch?: string }
  | { type: 'branch_completed'; branch: string };

export interface MilestoneDefinition {
  id: string;
  name: string;
  message: string;
  condition: MilestoneCondition;
  /** 1-based line in milestones.yaml. */
  line: number;
}
