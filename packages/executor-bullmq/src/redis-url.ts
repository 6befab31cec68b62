/**
 * Redis URLs: read once into connection options, and shown to people only with the password
 * replaced by `***` (in messages, logs and anything recorded).
 */
import { maskCredentials } from '@program-nova/core';
import type { RedisOptions } from 'ioredis';
import { BullmqExecutorError } from './errors.js';

export { maskCredentials };

export interface RedisTarget {
  /** The URL as people may see it (password masked). */
  display: string;
  /** ioredis connection options. */
  options: RedisOptions;
}

export function parseRedisUrl(url: string): RedisTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BullmqExecutorError(
      'REDIS_URL',
      `not a Redis URL: ${JSON.stringify(maskCredentials(url))} (expected redis://host:6379 or rediss://host:6380)`,
    );
  }
  const scheme = parsed.protocol;
  if (scheme !== 'redis:' && scheme !== 'rediss:') {
    throw new BullmqExecutorError(
      'REDIS_URL',
      `not a Redis URL: ${maskCredentials(url)} (the scheme must be redis:// or rediss://)`,
    );
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (host === '') {
    throw new BullmqExecutorError(
      'REDIS_URL',
      `the Redis URL ${maskCredentials(url)} names no host`,
    );
  }
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) {
    throw new BullmqExecutorError(
      'REDIS_URL',
      `the Redis URL ${maskCredentials(url)} names database ${JSON.stringify(dbText)}; expected a number`,
    );
  }
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  const display = `${scheme}//${username || password ? `${username}${password ? ':***' : ''}@` : ''}${parsed.host}${db ? `/${db}` : ''}`;
  return {
    display,
    options: {
      host,
      port,
      db,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      ...(scheme === 'rediss:' ? { tls: { servername: host } } : {}),
    },
  };
}
