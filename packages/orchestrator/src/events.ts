/**
 * Typed events of the Orchestrator (an EventEmitter typed with this map). Payloads are plain
 * objects; emitting never throws into the scheduler: listeners' exceptions are caught and
 * reported as 'warning'.
 */

import type { RunOutcome } from '@program-nova/core';
import type { FailureKind, JournalEntry, StatusSummary, TokenUsage } from '@program-nova/state';
import type { OrchestratorError } from './errors.js';

export type { RunOutcome } from '@program-nova/core';

export interface RunResult {
  outcome: RunOutcome;
  /** True when every task is completed. */
  ok: boolean;
  summary: StatusSummary;
  /** Money spent by this state so far (all runs), as far as known. */
  costUsd: number;
  /** The signal that stopped the run, when `handleSignals()` did. */
  signal?: NodeJS.Signals;
  /** For outcome 'aborted': what stopped the run (code ENVIRONMENT, naming the folder). */
  error?: OrchestratorError;
  /** Worktree mode, every task completed: the result branch holding all their work. */
  resultBranch?: { branch: string; head: string };
  /** Worktree mode: why the result branch could not be made (a merge conflict between sinks). */
  resultError?: string;
}

export interface TaskStartedEvent {
  id: string;
  attempt: number;
  workerId: string;
  pid: number | null;
  logPath: string | null;
  /** The remote worker (host name, pid) that took it, for queue executors. */
  runner?: { host: string; pid: number } | null;
}

export interface TaskTokensEvent {
  id: string;
  usage: TokenUsage;
  costUsd: number | null;
  model: string | null;
}

export interface TaskCompletedEvent {
  id: string;
  attempt: number;
  durationMs: number;
  usage: TokenUsage;
  costUsd: number | null;
  model: string | null;
}

export interface TaskFailedEvent {
  id: string;
  attempt: number;
  error: string;
  kind: FailureKind;
  exitCode: number | null;
  /** Transitive dependents that are now blocked by this failure, in file order. */
  blocks: string[];
}

export interface TaskRetryingEvent {
  id: string;
  /** The attempt that just failed (for a usage limit: the attempt that will be run again). */
  attempt: number;
  error: string;
  kind: FailureKind;
  /** When it may start again (ISO). */
  retryAt: string;
  delayMs: number;
  /** False for usage limits (requeued without counting an attempt). */
  countsAsAttempt: boolean;
}

export interface TaskInterruptedEvent {
  id: string;
  reason: string;
}

export interface TaskBlockedEvent {
  id: string;
  /** The failed root tasks blocking it, in file order. */
  blockedBy: string[];
}

export interface MilestoneEvent {
  id: string;
  name: string;
  message: string;
  at: string;
}

export interface WarningEvent {
  code: string;
  message: string;
}

export interface RunPausedEvent {
  /** ISO time until which nothing new starts. */
  until: string;
  /** e.g. "usage limit reported by API-03". */
  reason: string;
  /** The task that reported the limit (null when none did). */
  task: string | null;
}

export interface OrchestratorEvents {
  'run:started': [{ pid: number; resumed: boolean }];
  'task:started': [TaskStartedEvent];
  'task:tokens': [TaskTokensEvent];
  'task:completed': [TaskCompletedEvent];
  'task:failed': [TaskFailedEvent];
  'task:retrying': [TaskRetryingEvent];
  'task:interrupted': [TaskInterruptedEvent];
  'task:blocked': [TaskBlockedEvent];
  milestone: [MilestoneEvent];
  /**
   * New starts are paused (usage limit) until `until` (ISO); `task` reported the limit (null for a
   * pause carried over from an earlier run with no single task). Emitted again when the pause moves.
   */
  'run:paused': [RunPausedEvent];
  /** The pause is over: new starts resume (`at`, ISO). */
  'run:resumed': [{ at: string }];
  warning: [WarningEvent];
  /** A transition is in the journal (after it was written; seq order). */
  recorded: [JournalEntry];
  'run:finished': [RunResult];
}
