/**
 * Messages between a WorkerHost (in the orchestrator's process) and its host process, over Node's
 * IPC channel (JSON). Every message names the attempt by a key the client picks.
 */

import { zeroUsage } from '@program-nova/core';
import { WorkerError } from '../errors.js';
import type {
  StartWorkerOptions,
  TokenUpdate,
  WorkerErrorCode,
  WorkerFailure,
  WorkerResult,
  WorkerTask,
} from '../types.js';

/** StartWorkerOptions as sent: plain data, `env` only when it differs from the host's own. */
export type StartMessage = { t: 'start'; k: number; o: StartWorkerOptions };
/** `close`: stop every worker, report their outcomes, then exit. */
export type ToHost = StartMessage | { t: 'terminate'; k: number } | { t: 'close' };

/** A WorkerError as plain data (its cause reduced to a message and an errno code). */
export type SerializedError = Pick<
  WorkerFailure,
  | 'message'
  | 'exitCode'
  | 'signal'
  | 'timedOut'
  | 'resetAt'
  | 'stderrTail'
  | 'retryable'
  | 'environment'
  | 'path'
  | 'errno'
> & { code: WorkerErrorCode; cause?: { message: string; code?: string } };

export type SerializedResult =
  | Extract<WorkerResult, { ok: true }>
  | (Omit<Extract<WorkerResult, { ok: false }>, 'error'> & { error: SerializedError });

export type FromHost =
  | { t: 'spawn'; k: number; pid: number | null; pgid: number | null; argv: readonly string[] }
  | { t: 'init'; k: number; info: { model: string | null; sessionId: string | null } }
  | { t: 'tokens'; k: number; update: TokenUpdate }
  | { t: 'activity'; k: number; line: string }
  | { t: 'done'; k: number; result: SerializedResult };

/** Only the task fields a worker reads: a parser Task carries more (positions, raw cells). */
export function workerTaskOf(task: WorkerTask): WorkerTask {
  return {
    id: task.id,
    name: task.name,
    description: task.description,
    branch: task.branch,
    group: task.group,
    dependsOn: [...task.dependsOn],
    ...(task.model !== undefined ? { model: task.model } : {}),
  };
}

export function serializeResult(result: WorkerResult): SerializedResult {
  if (result.ok) return result;
  const e = result.error;
  const cause = e.cause as (Error & { code?: unknown }) | undefined;
  return {
    ...result,
    error: {
      code: e.code as WorkerErrorCode,
      message: e.message,
      exitCode: e.exitCode,
      signal: e.signal,
      timedOut: e.timedOut,
      resetAt: e.resetAt,
      stderrTail: e.stderrTail,
      retryable: e.retryable,
      environment: e.environment,
      path: e.path,
      errno: e.errno,
      ...(cause instanceof Error
        ? {
            cause: {
              message: cause.message,
              ...(typeof cause.code === 'string' ? { code: cause.code } : {}),
            },
          }
        : {}),
    },
  };
}

export function deserializeResult(result: SerializedResult): WorkerResult {
  if (result.ok) return result;
  const { code, message, cause, ...fields } = result.error;
  const error = new WorkerError(code, message, {
    ...fields,
    ...(cause ? { cause: Object.assign(new Error(cause.message), { code: cause.code }) } : {}),
  });
  return { ...result, error };
}

/**
 * The outcome of an attempt that failed before the host could report anything of its own.
 * `logIncomplete`: what its log lacks (it may have none at all).
 */
export function failedBeforeOutput(
  error: WorkerError,
  logPath: string,
  durationMs: number,
  logIncomplete: string,
): WorkerResult {
  return {
    ok: false,
    error,
    usage: zeroUsage(),
    costUsd: null,
    model: null,
    sessionId: null,
    durationMs,
    logPath,
    resultText: null,
    logIncomplete,
  };
}
