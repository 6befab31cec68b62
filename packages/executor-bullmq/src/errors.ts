import { maskCredentials } from './redis-url.js';

/**
 * The one error class of @program-nova/executor-bullmq. `code` is for programs; `message` is for
 * people and never holds a password (every message passes through maskCredentials).
 */
export type BullmqExecutorErrorCode =
  /** The Redis URL cannot be used (not redis:// or rediss://, no host, a bad port or db). */
  | 'REDIS_URL'
  /** Nothing answers at the Redis address (refused, unknown host, timed out). */
  | 'REDIS_UNREACHABLE'
  /** Redis refused the credentials (wrong password or user, or a password is required). */
  | 'REDIS_AUTH'
  /** Redis answered with an error of another kind while connecting. */
  | 'REDIS_ERROR'
  /** The worker's options cannot be used (concurrency, lock duration, command). */
  | 'INVALID_OPTIONS';

export class BullmqExecutorError extends Error {
  override readonly name = 'BullmqExecutorError';
  readonly code: BullmqExecutorErrorCode;

  constructor(code: BullmqExecutorErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(maskCredentials(message), options.cause !== undefined ? { cause: options.cause } : {});
    this.code = code;
  }
}

export function isBullmqExecutorError(value: unknown): value is BullmqExecutorError {
  return value instanceof BullmqExecutorError;
}
