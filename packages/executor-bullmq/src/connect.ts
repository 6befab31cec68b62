/**
 * Connecting: one probe at start so a wrong address or password is one clear error before anything
 * is queued, then long-lived connections that reconnect on their own (a Redis restart is waited
 * out, not fatal).
 */
import { Redis, type RedisOptions } from 'ioredis';
import { BullmqExecutorError } from './errors.js';
import type { RedisTarget } from './redis-url.js';

const PROBE_TIMEOUT_MS = 5000;

/** Options for connections that must survive a Redis restart (BullMQ workers need no retry cap). */
export function lastingOptions(target: RedisTarget): RedisOptions {
  return {
    ...target.options,
    maxRetriesPerRequest: null,
    // Back off to at most 2 s between reconnects: a restarted Redis is found again quickly.
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  };
}

/** Connects once and pings; throws REDIS_UNREACHABLE, REDIS_AUTH or REDIS_ERROR. */
export async function probeRedis(target: RedisTarget): Promise<void> {
  const redis = new Redis({
    ...target.options,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: PROBE_TIMEOUT_MS,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED...) comes as an event; connect() then only says "closed".
  let socketError: unknown = null;
  redis.on('error', (e) => {
    socketError ??= e;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    throw describeConnectError(target, socketError ?? e);
  } finally {
    redis.disconnect();
  }
}

export function describeConnectError(target: RedisTarget, e: unknown): BullmqExecutorError {
  const code = (e as { code?: string }).code;
  const text = e instanceof Error ? e.message : String(e);
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(text)) {
    const why = /NOAUTH/i.test(text) ? 'it requires a password' : 'wrong password or user name';
    return new BullmqExecutorError(
      'REDIS_AUTH',
      `Redis at ${target.display} refused the credentials: ${why}`,
      { cause: e },
    );
  }
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'host not found'
        : code === 'ETIMEDOUT' || /timed? ?out/i.test(text)
          ? 'timed out'
          : code === 'EHOSTUNREACH' || code === 'ENETUNREACH'
            ? 'no route to host'
            : null;
  if (reason !== null || /connection is closed/i.test(text)) {
    return new BullmqExecutorError(
      'REDIS_UNREACHABLE',
      `cannot reach Redis at ${target.display}: ${reason ?? 'the connection was closed'}`,
      { cause: e },
    );
  }
  return new BullmqExecutorError('REDIS_ERROR', `Redis at ${target.display}: ${text}`, {
    cause: e,
  });
}
