import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration (--timeout)', () => {
  it('reads the Timeout column forms', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1h 30m')).toBe(5_400_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('45')).toBe(45_000);
    expect(parseDuration(' 10 MIN ')).toBe(600_000);
  });

  it('rejects what is not a positive duration', () => {
    for (const bad of ['', 'soon', '0s', '1h30', '10x', '-5m', '5m-', 'm']) {
      expect(parseDuration(bad), bad).toBeNull();
    }
  });

  it('any sum of hours, minutes and seconds reads back', () => {
    fc.assert(
      fc.property(fc.nat(48), fc.nat(59), fc.nat(59), (h, m, s) => {
        fc.pre(h + m + s > 0);
        expect(parseDuration(`${h}h${m}m${s}s`)).toBe(((h * 60 + m) * 60 + s) * 1000);
      }),
    );
  });
});

describe('formatDuration', () => {
  it('is short and readable at every scale', () => {
    expect(formatDuration(1234)).toBe('1.2s');
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(185_000)).toBe('3m05s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
    expect(formatDuration(-1)).toBe('-');
  });
});
