/**
 * One attempt in its own git worktree (worktree mode of the LocalExecutor): prepare the worktree
 * from the run's base and the dependencies' heads (a merge conflict fails the attempt before any
 * agent runs), run the agent there, run the verify command after it exits 0, and commit what it
 * left. Git is driven by @program-nova/workspace; the orchestrator only hands over the heads.
 */

import { EventEmitter } from 'node:events';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDuration, logFileName } from '@program-nova/core';
import { expandTemplate, type StartWorkerOptions, type WorkerProcess } from '@program-nova/worker';
import {
  type PreparedWorktree,
  runVerify,
  WorkspaceError,
  type Workspaces,
} from '@program-nova/workspace';
import type {
  Execution,
  ExecutionEvents,
  ExecutionFailure,
  ExecutionOutcome,
  TaskRunSpec,
} from './executor.js';
import { failureOutcome } from './executor.js';
import { forwardWorkerEvents, toOutcome, unexpected } from './worker-outcome.js';

export interface WorktreeSetup {
  workspaces: Workspaces;
  /** The repository subfolder agents run in (their counterpart of the user's working folder). */
  subdir: string;
  /** Limit of a verify command when the task has no timeout (ms). */
  verifyTimeoutMs?: number;
}

/** A verify command without a task timeout gets this long. */
const DEFAULT_VERIFY_TIMEOUT_MS = 30 * 60_000;

export class WorkspaceExecution implements Execution {
  readonly taskId: string;
  readonly logPath: string;
  readonly done: Promise<ExecutionOutcome>;
  readonly #events = new EventEmitter();
  readonly #abort = new AbortController();
  #worker: WorkerProcess | null = null;
  #stopped = false;

  constructor(
    private readonly spec: TaskRunSpec & { workspace: NonNullable<TaskRunSpec['workspace']> },
    private readonly workerOptions: StartWorkerOptions,
    private readonly start: (o: StartWorkerOptions) => WorkerProcess,
    private readonly setup: WorktreeSetup,
  ) {
    this.taskId = spec.task.id;
    this.logPath = join(workerOptions.logsDir, logFileName(spec.task.id));
    this.done = this.#run().catch(unexpected);
  }

  get pid(): number | null {
    return this.#worker?.pid ?? null;
  }

  get pgid(): number | null {
    return this.#worker?.pgid ?? null;
  }

  async #run(): Promise<ExecutionOutcome> {
    const { spec, setup } = this;
    const started = Date.now();
    let prepared: PreparedWorktree;
    try {
      prepared = await setup.workspaces.prepare({
        taskId: spec.task.id,
        base: spec.workspace.base,
        dependencies: spec.workspace.dependencies.map(({ id, head }) => ({ id, head })),
        // After a failed verify the agent fixes its own work: it stays in the worktree.
        keepWork: spec.previousFailure !== undefined,
      });
    } catch (error) {
      return this.#prepareFailed(error, started);
    }
    if (this.#stopped) return this.#interrupted(started);

    const worker = this.start({
      ...this.workerOptions,
      cwd: setup.workspaces.pathFor(spec.task.id, setup.subdir),
      workspace: { branch: prepared.branch, startPoint: prepared.startPoint },
      ...(spec.previousFailure ? { previousFailure: spec.previousFailure } : {}),
    });
    this.#worker = worker;
    forwardWorkerEvents(worker, this.#events);
    const result = await worker.done.then(toOutcome, unexpected);
    if (!result.ok || this.#stopped) return result;

    const cwd = setup.workspaces.pathFor(spec.task.id, setup.subdir);
    if (spec.verify && spec.verify.length > 0) {
      const rejected = await this.#verify(cwd, result);
      if (rejected) return rejected;
    }
    try {
      const finished = await setup.workspaces.finish({
        taskId: spec.task.id,
        message: `${spec.task.id}: ${spec.task.name || spec.task.id}`,
        startPoint: prepared.startPoint,
      });
      const git = {
        branch: finished.branch,
        base: finished.base,
        head: finished.head,
        files: finished.files,
      };
      return {
        ...result,
        git,
        commitSha: finished.head,
        filesChanged: finished.files.map((f) => f.path),
      };
    } catch (error) {
      // The agent's work is in the worktree, uncommitted: the run stops rather than redo it.
      return {
        ...failure(
          this.taskId,
          'interrupted',
          `could not commit its work: ${message(error)}`,
          true,
        ),
        usage: result.usage,
        costUsd: result.costUsd,
        model: result.model,
        durationMs: result.durationMs,
        environment: { path: cwd, errno: null },
        cause: error,
      };
    }
  }

  /** Runs the verify command; returns the failure to record, or null when it passed. */
  async #verify(cwd: string, agent: Extract<ExecutionOutcome, { ok: true }>) {
    const { spec } = this;
    const argv = expandTemplate(spec.verify!, {
      id: spec.task.id,
      name: spec.task.name,
      description: spec.task.description,
      branch: spec.task.branch,
      group: spec.task.group,
      project: spec.project,
      model: spec.task.model ?? spec.model ?? '',
    });
    const verified = await runVerify({
      cwd,
      argv,
      timeoutMs: spec.timeoutMs ?? this.setup.verifyTimeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS,
      env: this.workerOptions.env,
      signal: this.#abort.signal,
    });
    const how = verified.error
      ? verified.error
      : verified.timedOut
        ? `timed out after ${formatDuration(verified.durationMs)}`
        : verified.signal
          ? `was killed by ${verified.signal}`
          : `exited with code ${verified.exitCode}`;
    const tail = verified.outputTail.trimEnd();
    await appendFile(
      this.logPath,
      `# nova: verify ${JSON.stringify(argv)} ${verified.ok ? 'passed' : how} after ${formatDuration(verified.durationMs)}\n${tail === '' ? '' : `${tail}\n`}`,
    ).catch(() => {});
    if (verified.ok) return null;
    if (verified.aborted || this.#stopped) return this.#interrupted(Date.now() - agent.durationMs);
    const text = `verify ${JSON.stringify(argv.join(' '))} ${how}.${tail === '' ? ' It printed nothing.' : `\nLast lines of its output:\n${tail}`}`;
    return {
      ...failure(this.taskId, 'verify_failed', text, true),
      usage: agent.usage,
      costUsd: agent.costUsd,
      model: agent.model,
      durationMs: agent.durationMs,
    } satisfies ExecutionFailure;
  }

  #prepareFailed(error: unknown, started: number): ExecutionFailure {
    const durationMs = Date.now() - started;
    if (error instanceof WorkspaceError && error.code === 'MERGE_CONFLICT') {
      // A retry would meet the same conflict: it waits for the user (see `nova retry`).
      return {
        ...failure(this.taskId, 'merge_conflict', error.message, false),
        durationMs,
        cause: error,
      };
    }
    return {
      ...failure(
        this.taskId,
        'spawn_error',
        `could not prepare its worktree: ${message(error)}`,
        true,
      ),
      durationMs,
      cause: error,
    };
  }

  #interrupted(started: number): ExecutionFailure {
    return {
      ...failure(this.taskId, 'interrupted', 'stopped before its agent ran', true),
      durationMs: Math.max(0, Date.now() - started),
    };
  }

  on<E extends keyof ExecutionEvents>(event: E, listener: (...args: ExecutionEvents[E]) => void) {
    this.#events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<E extends keyof ExecutionEvents>(event: E, listener: (...args: ExecutionEvents[E]) => void) {
    this.#events.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  async stop(options: { force?: boolean } = {}): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    const worker = this.#worker;
    if (worker) {
      const first = worker.terminate();
      if (options.force) await worker.terminate();
      await first;
    }
    await this.done;
  }
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function failure(
  taskId: string,
  kind: ExecutionFailure['kind'],
  text: string,
  retryable: boolean,
): ExecutionFailure {
  return failureOutcome(kind, `Task ${taskId}: ${text}`, retryable);
}
