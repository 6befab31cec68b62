/**
 * How a job's output reaches the orchestrator's log. While the agent runs, new output goes into the
 * job's stream. What is left when it ends rides in the outcome itself (when small), together with
 * the id of the last stream entry the worker added: the orchestrator then writes the log to its end
 * without reading the stream again, and a short task costs no stream round trip on either side.
 */
import type { Redis } from 'ioredis';
import type { LogTail } from './log-tail.js';

/** Output chunks kept per job stream at most (the orchestrator reads them within a second). */
const STREAM_MAX = 100_000;
/** Most output bytes carried in an outcome; more goes through the stream as before. */
export const OUTCOME_OUTPUT_MAX = 16 * 1024;

/** A worker's side: ships a job's output from its log file. */
export class OutputShipper {
  readonly #redis: Redis;
  readonly #stream: string;
  readonly #tail: LogTail;
  /** Id of the last entry added to the stream: '' none yet, null unknown (an add failed). */
  #last: string | null = '';
  #carried: Buffer | null = null;

  constructor(redis: Redis, stream: string, tail: LogTail) {
    this.#redis = redis;
    this.#stream = stream;
    this.#tail = tail;
  }

  /** Sends what was written since the last call; at the end, a small rest is kept for the outcome. */
  async ship(final = false): Promise<void> {
    const pieces = this.#tail.read();
    if (pieces.length === 0) return;
    if (final && this.#last !== null) {
      const size = pieces.reduce((n, p) => n + p.length, 0);
      if (size <= OUTCOME_OUTPUT_MAX) {
        this.#carried = Buffer.concat(pieces, size);
        return;
      }
    }
    const multi = this.#redis.multi();
    for (const p of pieces) multi.xadd(this.#stream, 'MAXLEN', '~', STREAM_MAX, '*', 'd', p);
    const replies = await multi.exec().catch(() => null);
    const last = replies?.at(-1);
    this.#last = last && last[0] === null && typeof last[1] === 'string' ? last[1] : null;
  }

  /** Fields added to the outcome: the rest of the output and the last stream entry's id. */
  wire(): Record<string, unknown> {
    if (this.#last === null) return {};
    return {
      outputLast: this.#last,
      ...(this.#carried ? { outputTail: this.#carried.toString('base64') } : {}),
    };
  }
}

export interface OutputEnd {
  /** Id of the last stream entry the worker added ('' for none). */
  last: string;
  /** Output after that entry. */
  tail: Buffer | null;
}

/**
 * The orchestrator's side: the outcome's output fields, checked, and the outcome without them.
 * Anything unexpected (a worker of an earlier version, a hostile value) means "read the stream".
 */
export function takeOutputEnd<T extends object>(
  reported: T,
): { outcome: T; end: OutputEnd | null } {
  const { outputLast, outputTail, ...outcome } = reported as T & {
    outputLast?: unknown;
    outputTail?: unknown;
  };
  if (typeof outputLast !== 'string' || !/^(?:\d{1,20}-\d{1,20})?$/.test(outputLast)) {
    return { outcome: outcome as T, end: null };
  }
  if (outputTail === undefined)
    return { outcome: outcome as T, end: { last: outputLast, tail: null } };
  if (
    typeof outputTail !== 'string' ||
    outputTail.length > Math.ceil(OUTCOME_OUTPUT_MAX / 3) * 4 ||
    !/^[A-Za-z0-9+/]*={0,2}$/.test(outputTail)
  ) {
    return { outcome: outcome as T, end: null };
  }
  return {
    outcome: outcome as T,
    end: { last: outputLast, tail: Buffer.from(outputTail, 'base64') },
  };
}
