import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clip,
  firstLine,
  formatBytes,
  formatClock,
  formatCost,
  formatDuration,
  formatPause,
  formatPauseDetail,
  formatPercent,
  formatTokens,
  oneLine,
  reasonLine,
  tailLines,
  UNKNOWN,
} from './format.js';

/** Reads formatDuration's output back to milliseconds. */
function parseDurationForTest(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(m[1]) * units[m[2]!]!;
  return total;
}

describe('formatDuration', () => {
  it('reads like the Timeout column', () => {
    expect(formatDuration(0)).toBe('0ms');
    expect(formatDuration(350)).toBe('350ms');
    expect(formatDuration(4_260)).toBe('4.2s');
    expect(formatDuration(42_900)).toBe('42s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(30 * 60_000)).toBe('30m');
    expect(formatDuration(2 * 3_600_000 + 7 * 60_000 + 59_000)).toBe('2h 07m');
    expect(formatDuration(5 * 3_600_000)).toBe('5h');
  });

  it('says unknown for what is not a duration, and never goes negative', () => {
    for (const v of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(formatDuration(v)).toBe(UNKNOWN);
    }
    expect(formatDuration(-5)).toBe('0ms');
  });

  it('never reads back as more than it was (whole seconds and up)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10_000, max: 400 * 3_600_000 }), (ms) => {
        const back = parseDurationForTest(formatDuration(ms));
        expect(back).toBeLessThanOrEqual(ms);
        // Rounded down to the unit shown: seconds below an hour, minutes above.
        expect(ms - back).toBeLessThan(ms < 3_600_000 ? 1000 : 60_000);
      }),
    );
  });
});

describe('formatTokens', () => {
  it('is compact with three significant figures', () => {
    expect(formatTokens(950)).toBe('950');
    expect(formatTokens(1234)).toBe('1.23k');
    expect(formatTokens(12_345)).toBe('12.3k');
    expect(formatTokens(123_456)).toBe('123k');
    expect(formatTokens(4_560_000)).toBe('4.56M');
    expect(formatTokens(1_200_000_000)).toBe('1.20B');
    expect(formatTokens(null)).toBe(UNKNOWN);
  });
});

describe('formatCost', () => {
  it('shows cents, fractions of a cent, and whole dollars when large', () => {
    expect(formatCost(0)).toBe('$0.00');
    expect(formatCost(0.0042)).toBe('$0.0042');
    expect(formatCost(12.345)).toBe('$12.35');
    expect(formatCost(1234.4)).toBe('$1,234');
    expect(formatCost(null)).toBe(UNKNOWN);
  });
});

describe('small helpers', () => {
  it('formatBytes, formatPercent', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(128 * 1024 * 1024)).toBe('128 MiB');
    expect(formatPercent(0, 0)).toBe('0%');
    expect(formatPercent(1, 200)).toBe('0.5%');
    expect(formatPercent(199, 200)).toBe('99%');
    expect(formatPercent(200, 200)).toBe('100%');
  });

  it('clip never exceeds its width and never splits a character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 0, max: 40 }), (s, max) => {
        const out = clip(s, max);
        expect(Array.from(out).length).toBeLessThanOrEqual(max);
        // A lone surrogate in the output would mean a pair was cut in half.
        expect(out).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
        if (Array.from(s).length <= max) expect(out).toBe(s);
        else if (max > 0) expect(out.endsWith('…')).toBe(true);
      }),
    );
  });

  it('firstLine, oneLine, tailLines', () => {
    expect(firstLine('\n  \n  reason here \nmore')).toBe('reason here');
    expect(firstLine(null)).toBe('');
    expect(oneLine('a\n\tb   c', 4)).toBe('a b…');
    expect(tailLines('a\n\nb\r\nc\n', 2)).toBe('b\nc');
  });
});

describe('formatClock and formatPause', () => {
  const local = (d: number, h: number, mi: number, s = 0) =>
    new Date(2026, 11, d, h, mi, s).getTime();
  const now = local(6, 13, 53);

  it('a time of day in local time, with the day when it is another day', () => {
    expect(formatClock(local(6, 14, 5), now)).toBe('14:05');
    expect(formatClock(local(6, 9, 0, 7), now)).toBe('09:00:07');
    expect(formatClock(local(7, 9, 0), now)).toBe('Dec 7 09:00');
    expect(formatClock(Number.NaN, now)).toBe('—');
  });

  it('the pause sentence every view shows', () => {
    const pause = {
      until: new Date(local(6, 14, 5)).toISOString(),
      reason: 'usage limit reported by API-03\nmore',
    };
    expect(formatPause(pause, now)).toBe(
      'Paused until 14:05 (in 12m): usage limit reported by API-03',
    );
    expect(formatPauseDetail(pause, now)).toBe(
      'until 14:05 (in 12m): usage limit reported by API-03',
    );
    // Past its end it says so rather than a negative wait; a value that is not a time stays as is.
    expect(formatPause(pause, local(6, 14, 6))).toBe(
      'Paused until 14:05 (in 0ms): usage limit reported by API-03',
    );
    expect(formatPauseDetail({ until: 'later', reason: 'r' }, now)).toBe('until later: r');
  });
});

describe('reasonLine', () => {
  it('keeps the first non-empty line without the worker prefix', () => {
    expect(reasonLine('F1', '\nTask F1: "claude" exited with code 3.\nLast lines')).toBe(
      '"claude" exited with code 3.',
    );
    expect(reasonLine('F1', 'Task F2: other')).toBe('Task F2: other');
    expect(reasonLine('F1', null)).toBe('');
  });
});
