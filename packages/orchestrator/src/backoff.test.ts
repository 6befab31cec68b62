import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles per failure, with jitter between half and all of the nominal delay, capped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, base, cap, r) => {
          const nominal = Math.min(cap, base * 2 ** (n - 1));
          const d = backoffDelay(n, base, cap, () => r);
          expect(d).toBeGreaterThanOrEqual(Math.floor(nominal / 2));
          expect(d).toBeLessThanOrEqual(Math.ceil(nominal));
        },
      ),
    );
  });

  it('uses the random source for jitter', () => {
    expect(backoffDelay(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelay(3, 1000, 60_000, () => 0.5)).toBe(3000);
    expect(backoffDelay(20, 1000, 60_000, () => 1)).toBe(60_000);
  });
});
