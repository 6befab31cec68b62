/**
 * Starting one attempt: the run spec handed to the executor, the attempt's record while it runs,
 * its start journaled as soon as its process is known, and its live events (tokens, model, step).
 */
import { clip } from '@program-nova/core';
import type { Task } from '@program-nova/parser';
import type { RunEngine } from './engine.js';
import { message } from './engine.js';
import type { TaskStartedEvent } from './events.js';
import type { Execution, ExecutionEvents, ExecutionTokens, TaskRunSpec } from './executor.js';
import { spawnErrorOutcome } from './executor.js';
import { settle } from './settle.js';

/** An attempt while it runs. */
export interface Attempt {
  id: string;
  attempt: number;
  slot: number;
  workerId: string;
  execution: Execution;
  startedAt: number;
  /** Resolves once task_started is in the journal (later records for the task wait for it). */
  startRecorded: Promise<unknown>;
  tokens: ExecutionTokens | null;
  step: string | null;
  model: string | null;
  /** Live figures changed since the last progress record. */
  dirty: boolean;
  stopRequested: boolean;
  /** Its outcome is being recorded: no more progress records for it. */
  settling: boolean;
}

const MAX_STEP = 200;

export function startedEvent(a: Attempt): TaskStartedEvent {
  return {
    id: a.id,
    attempt: a.attempt,
    workerId: a.workerId,
    pid: a.execution.pid,
    logPath: a.execution.logPath,
    ...(a.execution.runner ? { runner: a.execution.runner } : {}),
  };
}

function specFor(engine: RunEngine, task: Task, attempt: number, workerId: string): TaskRunSpec {
  const { settings } = engine;
  const state = engine.session.state();
  const timeoutMs = task.timeoutMs ?? settings.timeout;
  return {
    task,
    project: engine.cascade.projectName,
    dependencies: task.dependsOn
      .map((d) => engine.schedule.tasks.get(d))
      .filter((d): d is Task => d !== undefined)
      .map((d) => ({
        id: d.id,
        name: d.name,
        description: d.description,
        resultText: state.tasks[d.id]?.result_text ?? null,
      })),
    attempt,
    resets: state.tasks[task.id]?.resets ?? 0,
    rank: engine.schedule.rank.get(task.id) ?? 0,
    workerId,
    ...(settings.model !== undefined ? { model: settings.model } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    stateFile: engine.stateFile,
    ...workspaceSpec(engine, task),
  };
}

/**
 * Worktree mode: the base and each dependency's recorded head (the executor prepares the worktree
 * from them), the verify command, and what rejected the previous attempt.
 */
function workspaceSpec(engine: RunEngine, task: Task): Partial<TaskRunSpec> {
  const state = engine.session.state();
  const recorded = state.project.workspace;
  const verify = task.verify ?? engine.settings.verify;
  const last = state.tasks[task.id];
  return {
    ...(engine.settings.worktrees && recorded
      ? {
          workspace: {
            base: recorded.base,
            dependencies: task.dependsOn.flatMap((d) => {
              const git = state.tasks[d]?.git;
              return git ? [{ id: d, branch: git.branch, head: git.head }] : [];
            }),
            ...(last?.git ? { previousHead: last.git.head } : {}),
          },
        }
      : {}),
    ...(verify ? { verify } : {}),
    ...(last?.failure_kind === 'verify_failed' && last.error
      ? { previousFailure: last.error }
      : {}),
  };
}

/** Starts `id` (ready, with a free slot) and returns its attempt record. */
export function launch(engine: RunEngine, id: string): Attempt {
  const state = engine.session.state();
  const task = engine.schedule.tasks.get(id)!;
  const attempt = state.tasks[id]!.attempts + 1;
  const slot = engine.schedule.takeSlot();
  const workerId = `worker-${slot}`;
  let execution: Execution;
  try {
    execution = engine.executor.start(specFor(engine, task, attempt, workerId));
  } catch (e) {
    execution = failedExecution(id, e);
  }
  const a: Attempt = {
    id,
    attempt,
    slot,
    workerId,
    execution,
    startedAt: Date.now(),
    startRecorded: Promise.resolve(),
    tokens: null,
    step: null,
    model: task.model ?? engine.settings.model ?? null,
    dirty: false,
    stopRequested: false,
    settling: false,
  };
  engine.attempts.set(id, a);
  a.startRecorded = recordStart(engine, a);
  watch(engine, a);
  execution.done.then(
    (outcome) => settle(engine, a, outcome),
    (e: unknown) => settle(engine, a, failedOutcome(e)),
  );
  return a;
}

/**
 * task_started goes into the journal once the attempt's process is known, so the state never shows
 * a running task without it: at once when the executor knows the pid, else at its 'started' event
 * (a worker host spawns in another process), or before the outcome when it never started. A crash
 * in between leaves a process the state does not know, which reapStrays finds by its environment.
 */
function recordStart(engine: RunEngine, a: Attempt): Promise<unknown> {
  const { execution } = a;
  const record = () =>
    engine.session
      .record({
        type: 'task_started',
        at: new Date(a.startedAt).toISOString(),
        id: a.id,
        worker_id: a.workerId,
        pid: execution.pid,
        pgid: execution.pgid,
        log_path: execution.logPath,
        model: a.model,
        ...(execution.runner ? { runner: execution.runner } : {}),
      })
      .then(
        () => engine.emit('task:started', startedEvent(a)),
        (e: unknown) => engine.onFatal(e),
      );
  if (execution.pid !== null) return record();
  return new Promise((resolveRecorded) => {
    let recorded = false;
    const once = () => {
      if (recorded) return;
      recorded = true;
      execution.off('started', once);
      resolveRecorded(record());
    };
    execution.on('started', once);
    execution.done.then(once, once);
  });
}

/** Live figures: kept on the attempt, recorded by the periodic progress pass. */
function watch(engine: RunEngine, a: Attempt): void {
  a.execution.on('tokens', (t) => {
    a.tokens = t;
    if (t.model) a.model = t.model;
    a.dirty = true;
    engine.emit('task:tokens', {
      id: a.id,
      usage: t.usage,
      costUsd: engine.spend.cost(t.usage, t.costUsd, a.model),
      model: a.model,
    });
    engine.checkBudget();
  });
  a.execution.on('init', (info: ExecutionEvents['init'][0]) => {
    if (info.model) {
      a.model = info.model;
      a.dirty = true;
    }
  });
  a.execution.on('activity', (line: string) => {
    a.step = clip(line, MAX_STEP);
    a.dirty = true;
  });
}

export function failedOutcome(e: unknown) {
  return spawnErrorOutcome(`the executor failed: ${message(e)}`, false, e);
}

/** Stands in for an execution the executor could not even create. */
function failedExecution(taskId: string, e: unknown): Execution {
  const done = Promise.resolve(failedOutcome(e));
  const self: Execution = {
    taskId,
    pid: null,
    pgid: null,
    logPath: null,
    done,
    on: () => self,
    off: () => self,
    stop: async () => {},
  };
  return self;
}
