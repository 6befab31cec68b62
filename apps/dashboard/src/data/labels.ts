import type { ProjectState, StatusSummary } from '@program-nova/state';
import type { RunProcess } from './feed.js';

/**
 * The status of a group, branch or the project, derived from its tasks' counts so that the word
 * never contradicts them: "Running" while any runs; "Failed" only when something failed and
 * nothing in it can run any more (the rest is done, failed or blocked); "Blocked" when nothing can
 * run and the rest waits on a failure elsewhere; "Partly done" when some is done and the rest can
 * still run; "Not started" when nothing has.
 */
export type ScopeStatus =
  | 'running'
  | 'completed'
  | 'failed'
  | 'blocked'
  | 'partly_done'
  | 'not_started'
  | 'empty';

export function scopeStatus(c: StatusSummary): ScopeStatus {
  if (c.totalTasks === 0) return 'empty';
  if (c.completed === c.totalTasks) return 'completed';
  if (c.inProgress > 0) return 'running';
  if (c.pending === 0) return c.failed > 0 ? 'failed' : 'blocked';
  return c.completed + c.failed + c.blocked === 0 ? 'not_started' : 'partly_done';
}

/** How the run recorded in the state stands. */
export type RunPhase =
  | { kind: 'running' }
  /** The state says a run is on, but its process is gone: it crashed or was killed. */
  | { kind: 'crashed'; at: string | null }
  | { kind: 'finished'; allCompleted: boolean; at: string | null }
  | { kind: 'stopped'; why: string; at: string | null }
  | { kind: 'interrupted'; at: string | null }
  | { kind: 'not_started' }
  /** A run has been, but the state does not say how it ended (written by an older nova). */
  | { kind: 'idle'; at: string | null };

export function runPhase(project: ProjectState, process: RunProcess | null): RunPhase {
  if (project.orchestrator_pid !== null) {
    return process === 'gone' ? { kind: 'crashed', at: project.updated_at } : { kind: 'running' };
  }
  const at = project.ended_at ?? project.completed_at ?? null;
  switch (project.outcome) {
    case 'completed':
      return { kind: 'finished', allCompleted: true, at };
    case 'failed':
      return { kind: 'finished', allCompleted: false, at };
    case 'interrupted':
      return { kind: 'interrupted', at };
    case 'fail_fast':
      return { kind: 'stopped', why: 'a task failed with --fail-fast', at };
    case 'budget_exhausted':
      return { kind: 'stopped', why: 'the cost budget is spent', at };
    case 'max_iterations':
      return { kind: 'stopped', why: 'the iteration limit was reached', at };
    default:
      if (project.completed_at) return { kind: 'finished', allCompleted: true, at };
      return project.started_at === null ? { kind: 'not_started' } : { kind: 'idle', at };
  }
}

/** The instant running tasks' clocks stop at when the run can no longer be followed, else null. */
export function frozenAt(
  phase: RunPhase,
  offlineSince: number | null,
  project: ProjectState,
): number | null {
  if (offlineSince !== null) return offlineSince;
  if (phase.kind === 'crashed' && project.updated_at) return Date.parse(project.updated_at);
  return null;
}
