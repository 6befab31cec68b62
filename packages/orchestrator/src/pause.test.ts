import { describe, expect, it } from 'vitest';
import { type LimitReport, nextPause, type Pause } from './pause.js';

const NOW = 1_000_000;
const FALLBACK = 300_000;
const known = (task: string, resetAt: number): LimitReport => ({
  task,
  reason: `usage limit reported by ${task}`,
  resetAt,
});
const unknown = (task: string): LimitReport => ({
  task,
  reason: `usage limit reported by ${task}`,
  resetAt: null,
});
const pause = (until: number, isKnown: boolean, task = 'A'): Pause => ({
  until,
  known: isKnown,
  reason: `usage limit reported by ${task}`,
  task,
});

describe('nextPause', () => {
  it('a known reset pauses until it; an unknown one for the fallback', () => {
    expect(nextPause(null, known('A', NOW + 2000), NOW, FALLBACK)).toEqual(pause(NOW + 2000, true));
    expect(nextPause(null, unknown('A'), NOW, FALLBACK)).toEqual(pause(NOW + FALLBACK, false));
  });

  it('a known reset replaces a fallback pause even when it is earlier', () => {
    const guessed = pause(NOW + FALLBACK, false, 'A');
    expect(nextPause(guessed, known('B', NOW + 2000), NOW, FALLBACK)).toEqual(
      pause(NOW + 2000, true, 'B'),
    );
  });

  it('an unknown reset does not wait out a known one, nor shorten any pause', () => {
    expect(nextPause(pause(NOW + 2000, true), unknown('B'), NOW, FALLBACK)).toBeNull();
    expect(nextPause(pause(NOW + 10 * FALLBACK, true), unknown('B'), NOW, FALLBACK)).toBeNull();
    expect(nextPause(pause(NOW + 2 * FALLBACK, false), unknown('B'), NOW, FALLBACK)).toBeNull();
    // A fallback pause that a later unknown limit outlasts is extended to the new fallback.
    expect(nextPause(pause(NOW + 1000, false), unknown('B'), NOW, FALLBACK)).toEqual(
      pause(NOW + FALLBACK, false, 'B'),
    );
  });

  it('a later known reset extends a known pause; an earlier one leaves it', () => {
    const held = pause(NOW + 5000, true, 'A');
    expect(nextPause(held, known('B', NOW + 9000), NOW, FALLBACK)).toEqual(
      pause(NOW + 9000, true, 'B'),
    );
    expect(nextPause(held, known('B', NOW + 3000), NOW, FALLBACK)).toBeNull();
  });

  it('a pause that is over counts as none; a reset already past is unknown', () => {
    const over = pause(NOW - 1, true);
    expect(nextPause(over, unknown('B'), NOW, FALLBACK)).toEqual(pause(NOW + FALLBACK, false, 'B'));
    expect(nextPause(null, known('B', NOW - 5), NOW, FALLBACK)).toEqual(
      pause(NOW + FALLBACK, false, 'B'),
    );
  });
});
