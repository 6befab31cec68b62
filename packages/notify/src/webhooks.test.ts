import { describe, expect, it } from 'vitest';
import { retryAfterMs, signBody } from './webhooks.js';

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates; nothing readable is null', () => {
    const now = Date.parse('2026-12-06T20:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Sun, 06 Dec 2026 20:00:10 GMT', now)).toBe(10_000);
    expect(retryAfterMs('Sun, 06 Dec 2026 19:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
  });
});

describe('signBody', () => {
  it('is sha256= and the hex HMAC-SHA256 of the body', () => {
    // RFC 4231 test case 2.
    expect(signBody('Jefe', 'what do ya want for nothing?')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
