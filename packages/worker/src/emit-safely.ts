import type { EventEmitter } from 'node:events';

/** Emits `event`; a listener that throws is reported as a warning, never breaks the bookkeeping. */
export function emitSafely(emitter: EventEmitter, event: string, args: unknown[]): void {
  try {
    emitter.emit(event, ...args);
  } catch (error) {
    process.emitWarning(
      `@program-nova/worker: a '${event}' listener threw: ${(error as Error)?.message ?? String(error)}`,
    );
  }
}
