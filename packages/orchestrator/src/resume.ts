/**
 * Opening a run's state: take the lease and recover the state (the store), check that the plan is
 * the one this state was written for, record what changed in it, load milestones, and stop what a
 * crashed run left running. Also, at run start, re-arm the retries an earlier run scheduled.
 */
import { formatCost, formatTokens, totalTokens } from '@program-nova/core';
import { transitiveDependents } from '@program-nova/parser';
import { type CascadeState, createState, planTransition } from '@program-nova/state';
import { openStore, type StateStore } from '@program-nova/state/store';
import type { RunEngine } from './engine.js';
import { message, now } from './engine.js';
import { fromStateError, OrchestratorError } from './errors.js';
import { milestonesOf, readMilestonesText } from './inputs.js';

export async function openRun(engine: RunEngine, cascadeFile: string | null): Promise<void> {
  const { settings, session, cascade } = engine;
  const milestonesText = await readMilestonesText(settings.milestonesFile);
  let store: StateStore;
  try {
    store = await openStore(engine.stateFile, {
      initialState: () => createState(cascade, { cascadeFile: cascadeFile ?? undefined }),
      onWarning: (w) => engine.warn(w.code, w.message),
    });
  } catch (e) {
    session.dropEarlyWarnings();
    throw fromStateError(e);
  }
  try {
    refuseForeignState(engine, store.state);
    await session.adopt(store);
    await reconcilePlan(engine);
    await openWorkspace(engine);
    engine.milestones = milestonesOf(milestonesText, settings.milestonesFile, store.state);
    await reapSurvivors(engine);
    engine.spend.resetFrom(store.state);
    engine.schedule.rebuild(store.state);
  } catch (e) {
    session.keep(store.state);
    if (session.isOpen) await session.abandon();
    else await store.close().catch(() => {});
    throw e instanceof OrchestratorError ? e : fromStateError(e);
  }
}

/**
 * Worktree mode: the first run records the repository and base commit; later runs keep them (a
 * resumed run goes on from the same base, whatever HEAD is now).
 */
async function openWorkspace(engine: RunEngine): Promise<void> {
  const wanted = engine.settings.worktrees;
  if (!wanted) return;
  const recorded = engine.session.state().project.workspace;
  if (!recorded) {
    await engine.session.record({
      type: 'workspace_opened',
      at: now(),
      repo: wanted.repo,
      base: wanted.base,
      base_branch: wanted.baseBranch,
      branch_prefix: wanted.branchPrefix,
    });
    return;
  }
  if (recorded.repo !== wanted.repo) {
    engine.warn(
      'WORKSPACE_MOVED',
      `this state was started in the repository ${recorded.repo}, not ${wanted.repo}: tasks start from its recorded base ${recorded.base.slice(0, 12)}`,
    );
  }
}

/** Anything ran (or was kept) under this state: its records are someone's history. */
function hasHistory(state: CascadeState): boolean {
  return (
    Object.keys(state.removed_tasks).length > 0 ||
    Object.values(state.tasks).some((t) => t.started_at !== null || t.attempts > 0)
  );
}

/**
 * A state written for another project most likely belongs to another run: running this plan on it
 * would file that run's tasks away as removed. Refused unless `replan` says it is meant.
 */
function refuseForeignState(engine: RunEngine, state: CascadeState): void {
  const wanted = engine.cascade.projectName;
  if (state.project.name === wanted || engine.settings.replan || !hasHistory(state)) return;
  throw new OrchestratorError(
    'PLAN_MISMATCH',
    `${engine.stateFile} was written for "${state.project.name}", not "${wanted}"; use --state for a new run, or --replan to run this plan on it`,
    { file: engine.stateFile },
  );
}

function spentText(state: CascadeState, ids: string[]): string {
  let tokens = 0;
  let cost = 0;
  for (const id of ids) {
    const t = state.removed_tasks[id];
    if (!t) continue;
    tokens += totalTokens(t.token_usage);
    cost += t.cost_usd ?? 0;
  }
  return tokens > 0
    ? ` (records kept: ${formatTokens(tokens)} tokens, ${formatCost(cost)})`
    : ' (records kept)';
}

function describeChanged(changed: { id: string; fields: readonly string[] }[]): string {
  return changed
    .map((c) => `${c.id} (${c.fields.join(', ').replace('depends_on', 'dependencies')})`)
    .join(', ');
}

/**
 * Brings the state in line with the plan and says what changed. Completed tasks whose plan entry
 * changed since they ran stay completed (marked `changed_since_run`) and are named at every run
 * until `rerunChanged` runs them again, with everything that depends on them.
 */
async function reconcilePlan(engine: RunEngine): Promise<void> {
  const { session, settings } = engine;
  const before = session.state().project.name;
  const change = planTransition(session.state(), engine.cascade, new Date());
  if (change) await session.record(change);
  const state = session.state();
  const parts: string[] = [];
  if (change) {
    if (before !== change.project_name) {
      parts.push(`project "${before}" is now "${change.project_name}"`);
    }
    if (change.added.length) parts.push(`added ${change.added.join(', ')}`);
    if (change.removed.length) {
      parts.push(`removed ${change.removed.join(', ')}${spentText(state, change.removed)}`);
    }
  }
  const stale = Object.entries(state.tasks)
    .filter(([, t]) => t.status === 'completed' && t.changed_since_run?.length)
    .map(([id, t]) => ({ id, fields: t.changed_since_run! }));
  if (stale.length) {
    parts.push(
      `completed tasks whose plan entry changed since they ran: ${describeChanged(stale)}${
        settings.rerunChanged
          ? ' — running them again, with their dependents'
          : ' — kept as completed (--rerun-changed runs them again)'
      }`,
    );
  }
  if (parts.length > 0) {
    const what = change ? 'the plan changed since the state was written' : 'the plan';
    engine.warn('PLAN_CHANGED', `${what}: ${parts.join('; ')}`);
  }
  if (settings.rerunChanged && stale.length > 0)
    await rerun(
      engine,
      stale.map((c) => c.id),
    );
}

/** Changed completed tasks and everything below them that ran go back to pending. */
async function rerun(engine: RunEngine, ids: string[]): Promise<void> {
  const state = engine.session.state();
  const again = new Set(ids);
  for (const id of ids)
    for (const d of transitiveDependents(engine.cascade.tasks, id)) again.add(d);
  for (const id of Object.keys(state.tasks)) {
    if (!again.has(id)) continue;
    const status = state.tasks[id]!.status;
    if (status !== 'completed' && status !== 'failed') continue;
    const reason = ids.includes(id) ? 'its plan entry changed' : 'a task it depends on runs again';
    await engine.session.record({ type: 'task_reset', at: now(), id, reason });
  }
}

/** Tasks left in_progress by a run that is gone: stop what survives, put them back to pending. */
async function reapSurvivors(engine: RunEngine): Promise<void> {
  const { executor, session } = engine;
  const state = session.state();
  const previousPid = state.project.orchestrator_pid;
  const stale = Object.entries(state.tasks).filter(([, t]) => t.status === 'in_progress');
  const results = await Promise.all(
    stale.map(([id, t]) =>
      executor
        .reap({ id, state: { ...t }, stateFile: engine.stateFile })
        .catch((e: unknown) => ({ found: false, detail: `reap failed: ${message(e)}` })),
    ),
  );
  if (executor.reapStrays && engine.attempts.size === 0) {
    const strays = await executor.reapStrays(engine.stateFile).catch((e: unknown) => ({
      found: false,
      detail: `reap failed: ${message(e)}`,
      taskIds: [],
    }));
    if (strays.found) {
      engine.warn(
        'STRAYS_REAPED',
        `processes of an earlier run were still running (${engine.inPlanOrder(strays.taskIds).join(', ')}): ${strays.detail}`,
      );
    }
  }
  for (let i = 0; i < stale.length; i++) {
    const [id] = stale[i]!;
    const who = previousPid ? `the previous run (pid ${previousPid})` : 'the previous run';
    const reason = `${who} ended while this task was running; ${results[i]!.detail}`;
    await session.record({ type: 'task_interrupted', at: now(), id, reason });
    engine.warn('TASK_REAPED', `${id}: ${reason}`);
  }
}

/** At run start: pending tasks whose retry (or usage-limit requeue) is still in the future. */
export function armPendingRetries(engine: RunEngine): void {
  const state = engine.session.state();
  let limit: { at: number; id: string } | null = null;
  for (const [id, t] of Object.entries(state.tasks)) {
    if (t.status !== 'pending' || t.retry_at === null || !engine.schedule.tasks.has(id)) continue;
    const at = Date.parse(t.retry_at);
    if (at <= Date.now()) continue;
    engine.retryAt(id, at);
    if (t.failure_kind === 'usage_limit' && (limit === null || at > limit.at)) limit = { at, id };
  }
  // A usage limit hit by the previous run still holds: starting other tasks now would only hit it
  // too. Its recorded time is the one that run settled on, so it counts as known.
  if (limit !== null) {
    // The pause holds from this call on; only its journal line is awaited.
    engine
      .usageLimit({
        task: limit.id,
        reason: `usage limit reported by ${limit.id} in the previous run`,
        resetAt: limit.at,
      })
      .recorded.catch((e: unknown) => engine.onFatal(e));
  }
}
