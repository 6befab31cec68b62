/**
 * Recording an attempt's outcome, one handler per kind: completed; interrupted (stopped by Nova, or
 * preempted by the executor's infrastructure: not an attempt); stopped for the environment (the
 * logs folder cannot be written: the run halts, the task stays pending); a usage limit (requeued
 * at the reset, new starts paused); any other failure (retried with backoff while attempts remain,
 * else failed for good, blocking its dependents).
 */
import { clip } from '@program-nova/core';
import { transitiveDependents } from '@program-nova/parser';
import { blockedBy } from '@program-nova/state';
import { backoffDelay } from './backoff.js';
import type { RunEngine } from './engine.js';
import { now } from './engine.js';
import { OrchestratorError } from './errors.js';
import type { ExecutionFailure, ExecutionOutcome, ExecutionSuccess } from './executor.js';
import type { Attempt } from './launch.js';

/** Characters of an agent's final report kept in the state for its dependents' prompts. */
const RESULT_TEXT_KEPT = 1000;

export async function settle(engine: RunEngine, a: Attempt, outcome: ExecutionOutcome) {
  // Synchronously together: from here the attempt's cost counts as settled, not live.
  a.settling = true;
  const model = outcome.model ?? a.model;
  const cost = engine.spend.cost(outcome.usage, outcome.costUsd, model);
  engine.spend.settle(cost);
  try {
    await a.startRecorded;
    if (engine.phase.fatal) return engine.release(a);
    const spent = { cost, model };
    if (outcome.ok) await completed(engine, a, outcome, spent);
    else if (outcome.kind === 'interrupted' && outcome.environment)
      await environmentFailed(engine, a, outcome);
    else if (outcome.kind === 'interrupted' || a.stopRequested)
      await interrupted(engine, a, outcome);
    else if (outcome.kind === 'usage_limit') await usageLimited(engine, a, outcome, spent);
    else if (outcome.kind === 'worker_lost' && outcome.requeued)
      await workerLost(engine, a, outcome, spent);
    else await failed(engine, a, outcome, spent);
    a.execution.acknowledge?.();
    engine.checkBudget();
    engine.fill();
  } catch (e) {
    engine.release(a);
    engine.onFatal(e);
  }
}

interface Spent {
  cost: number | null;
  model: string | null;
}

async function completed(engine: RunEngine, a: Attempt, o: ExecutionSuccess, spent: Spent) {
  engine.schedule.completing(a.id);
  await engine.session.record({
    type: 'task_completed',
    at: now(),
    id: a.id,
    exit_code: 0,
    token_usage: o.usage,
    cost_usd: spent.cost,
    model: spent.model,
    ...(o.commitSha !== undefined ? { commit_sha: o.commitSha } : {}),
    ...(o.filesChanged !== undefined ? { files_changed: o.filesChanged } : {}),
    ...(o.logIncomplete ? { log_incomplete: o.logIncomplete } : {}),
    ...(o.resultText ? { result_text: clip(o.resultText, RESULT_TEXT_KEPT) } : {}),
    ...(o.git ? { git: o.git } : {}),
  });
  // Only now, with the completion in the journal, may dependents become ready.
  engine.release(a);
  engine.schedule.completed(a.id, engine.session.state());
  engine.emit('task:completed', {
    id: a.id,
    attempt: a.attempt,
    durationMs: o.durationMs,
    usage: o.usage,
    costUsd: spent.cost,
    model: spent.model,
  });
  engine.queueMilestones();
}

async function interrupted(engine: RunEngine, a: Attempt, o: ExecutionFailure) {
  const reason = engine.phase.stopDetail ?? o.message;
  await engine.session.record({ type: 'task_interrupted', at: now(), id: a.id, reason });
  engine.release(a);
  engine.emit('task:interrupted', { id: a.id, reason });
  engine.schedule.offer(a.id, engine.session.state());
}

/**
 * The attempt could not run for a reason outside the task (its log cannot be written): trying
 * other tasks would only fail them the same way, so the run starts nothing more and ends with
 * that reason. The task is back to pending, not counted as an attempt.
 */
async function environmentFailed(engine: RunEngine, a: Attempt, o: ExecutionFailure) {
  await engine.session.record({ type: 'task_interrupted', at: now(), id: a.id, reason: o.message });
  engine.release(a);
  engine.emit('task:interrupted', { id: a.id, reason: o.message });
  const error = new OrchestratorError('ENVIRONMENT', o.message, {
    cause: o.cause,
    ...(o.environment?.path ? { file: o.environment.path } : {}),
  });
  if (engine.phase.stop({ reason: 'aborted', error })) {
    engine.timers.clearRetries();
    engine.warn('ENVIRONMENT', `${o.message}; starting nothing new`);
  }
}

/**
 * The task runs again at its own reset when the agent said one; otherwise when the pause ends
 * (the fallback, or a known reset another task reported, whichever the pause rules kept).
 */
async function usageLimited(engine: RunEngine, a: Attempt, o: ExecutionFailure, spent: Spent) {
  const reset = o.resetAt ? Date.parse(o.resetAt) : Number.NaN;
  const known = Number.isFinite(reset) && reset > Date.now() ? reset : null;
  const pause = engine.usageLimit({
    task: a.id,
    reason: `usage limit reported by ${a.id}`,
    resetAt: known,
  });
  const until = known ?? pause.until;
  const retryAt = new Date(until).toISOString();
  await recordFailure(engine, a, o, spent, retryAt, false);
  await pause.recorded;
  engine.release(a);
  retryLater(engine, a, o, retryAt, Math.max(0, until - Date.now()), false);
}

/**
 * The worker running it was lost and the executor's queue already put the job back: the lost
 * attempt (its error, what it spent) is recorded, not counted as an attempt, and the task starts
 * again at once, which for a queue executor means following the same job on its new worker.
 */
async function workerLost(engine: RunEngine, a: Attempt, o: ExecutionFailure, spent: Spent) {
  const retryAt = new Date().toISOString();
  await recordFailure(engine, a, o, spent, retryAt, false);
  engine.release(a);
  retryLater(engine, a, o, retryAt, 0, false);
}

async function failed(engine: RunEngine, a: Attempt, o: ExecutionFailure, spent: Spent) {
  const { settings, phase } = engine;
  const task = engine.schedule.tasks.get(a.id)!;
  const allowed = 1 + (task.retries ?? settings.retries);
  // While stopping, a retry is still recorded (retry_at) so the next run picks it up.
  const retry = o.retryable && a.attempt < allowed && phase.halt?.reason !== 'fail_fast';
  const delay = retry
    ? backoffDelay(a.attempt, settings.retryDelayMs, settings.maxRetryDelayMs)
    : 0;
  const retryAt = retry ? new Date(Date.now() + delay).toISOString() : null;
  await recordFailure(engine, a, o, spent, retryAt, true);
  engine.release(a);
  if (retryAt !== null) return retryLater(engine, a, o, retryAt, delay, true);
  const state = engine.session.state();
  const blocks = transitiveDependents(engine.cascade.tasks, a.id).filter(
    (d) => state.tasks[d]?.status === 'pending',
  );
  engine.emit('task:failed', {
    id: a.id,
    attempt: a.attempt,
    error: o.message,
    kind: o.kind,
    exitCode: o.exitCode,
    blocks,
  });
  for (const d of blocks) engine.emit('task:blocked', { id: d, blockedBy: blockedBy(state, d) });
  if (settings.failFast && phase.stop({ reason: 'fail_fast' })) engine.timers.clearRetries();
  engine.queueMilestones();
}

/** One failed attempt into the journal; `retryAt` set means pending again (a retry is due). */
function recordFailure(
  engine: RunEngine,
  a: Attempt,
  o: ExecutionFailure,
  spent: Spent,
  retryAt: string | null,
  countsAsAttempt: boolean,
): Promise<void> {
  return engine.session.record({
    type: 'task_failed',
    at: now(),
    id: a.id,
    error: o.message,
    failure_kind: o.kind,
    exit_code: o.exitCode,
    token_usage: o.usage,
    cost_usd: spent.cost,
    model: spent.model,
    retry_at: retryAt,
    counts_as_attempt: countsAsAttempt,
    ...(o.logIncomplete ? { log_incomplete: o.logIncomplete } : {}),
  });
}

/** Queues the task again at `retryAt` (already recorded) and says so. */
function retryLater(
  engine: RunEngine,
  a: Attempt,
  o: ExecutionFailure,
  retryAt: string,
  delayMs: number,
  countsAsAttempt: boolean,
): void {
  engine.retryAt(a.id, Date.parse(retryAt));
  engine.emit('task:retrying', {
    id: a.id,
    attempt: a.attempt,
    error: o.message,
    kind: o.kind,
    retryAt,
    delayMs,
    countsAsAttempt,
  });
}
