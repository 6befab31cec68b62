import { describe, expect, it } from 'vitest';
import { BullmqExecutorError } from './errors.js';
import { maskCredentials, parseRedisUrl } from './redis-url.js';

describe('Redis URLs', () => {
  it('reads host, port, db, user and password, and shows the password masked', () => {
    const t = parseRedisUrl('redis://nova:s3cret@cache.example:6380/2');
    expect(t.options).toMatchObject({
      host: 'cache.example',
      port: 6380,
      db: 2,
      username: 'nova',
      password: 's3cret',
    });
    expect(t.display).toBe('redis://nova:***@cache.example:6380/2');
    expect(parseRedisUrl('redis://127.0.0.1').options.port).toBe(6379);
    expect(parseRedisUrl('rediss://h:1').options.tls).toEqual({ servername: 'h' });
  });

  it('masks credentials anywhere in a text', () => {
    expect(maskCredentials('at redis://:pw@h:1 and rediss://u:p@x')).toBe(
      'at redis://:***@h:1 and rediss://u:***@x',
    );
  });

  it('refuses what is not a Redis URL with REDIS_URL, never echoing a password', () => {
    for (const bad of ['http://u:topsecret@h', 'not a url', 'redis://u:topsecret@h/x']) {
      let err: unknown;
      try {
        parseRedisUrl(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BullmqExecutorError);
      expect((err as BullmqExecutorError).code).toBe('REDIS_URL');
      expect((err as Error).message).not.toContain('topsecret');
    }
  });
});
