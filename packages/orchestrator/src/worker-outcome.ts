/** A worker's result and events in the executor seam's terms (shared by both local executions). */
import type { EventEmitter } from 'node:events';
import type { WorkerProcess, WorkerResult } from '@program-nova/worker';
import type { ExecutionOutcome } from './executor.js';
import { spawnErrorOutcome } from './executor.js';

/** The worker's events as the executor seam names them. */
export function forwardWorkerEvents(worker: WorkerProcess, events: EventEmitter): void {
  worker.on('spawn', () => events.emit('started'));
  worker.on('tokens', (u) =>
    events.emit('tokens', { usage: u.usage, costUsd: u.costUsd, model: u.model }),
  );
  worker.on('init', (info: { model?: string | null }) =>
    events.emit('init', { model: info.model ?? null }),
  );
  worker.on('activity', (line: string) => events.emit('activity', line));
}

export function toOutcome(result: WorkerResult): ExecutionOutcome {
  if (result.ok) {
    return {
      ok: true,
      usage: result.usage,
      costUsd: result.costUsd,
      model: result.model,
      durationMs: result.durationMs,
      logIncomplete: result.logIncomplete,
      resultText: result.resultText,
    };
  }
  const e = result.error;
  return {
    ...(e.environment ? { environment: { path: e.path, errno: e.errno } } : {}),
    logIncomplete: result.logIncomplete,
    ok: false,
    kind: e.kind,
    message: e.message,
    exitCode: e.exitCode,
    signal: e.signal,
    timedOut: e.timedOut,
    retryable: e.retryable,
    resetAt: e.resetAt,
    usage: result.usage,
    costUsd: result.costUsd,
    model: result.model,
    durationMs: result.durationMs,
    cause: e,
  };
}

/** The worker promises `done` never rejects; if it ever does, that is a spawn-level failure. */
export function unexpected(err: unknown): ExecutionOutcome {
  return spawnErrorOutcome(
    `worker failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`,
    true,
    err,
  );
}
