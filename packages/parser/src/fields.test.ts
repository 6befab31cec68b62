import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isNone, parseModel, parseRetries, parseTimeout } from './fields.js';

describe('parseTimeout', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['45', 45_000],
    ['2 hours 15 minutes', 8_100_000],
    [' 10 MIN ', 600_000],
  ])('%s -> %d ms', (text, ms) => {
    expect(parseTimeout(text)).toEqual({ ok: true, value: ms });
  });

  it.each(['', '-', '—', 'none'])('"%s" means no timeout', (text) => {
    expect(parseTimeout(text)).toEqual({ ok: true, value: undefined });
  });

  it.each(['soon', '0s', '10 parsecs', '1h30', '30m.', '-5m', 'h'])('"%s" is invalid', (text) => {
    expect(parseTimeout(text).ok).toBe(false);
  });

  it('any sum of hours, minutes and seconds reads back', () => {
    fc.assert(
      fc.property(fc.nat(48), fc.nat(59), fc.nat(59), (h, m, s) => {
        fc.pre(h + m + s > 0);
        expect(parseTimeout(`${h}h${m}m${s}s`)).toEqual({
          ok: true,
          value: ((h * 60 + m) * 60 + s) * 1000,
        });
      }),
    );
  });
});

describe('parseRetries / parseModel / isNone', () => {
  it('reads whole numbers only', () => {
    expect(parseRetries('3')).toEqual({ ok: true, value: 3 });
    expect(parseRetries('0')).toEqual({ ok: true, value: 0 });
    expect(parseRetries('-')).toEqual({ ok: true, value: undefined });
    for (const bad of ['-1', '1.5', 'two', '1e3', '9999999'])
      expect(parseRetries(bad).ok).toBe(false);
  });

  it('keeps any model name, "-" means the default', () => {
    expect(parseModel(' claude-opus-4-1 ')).toEqual({ ok: true, value: 'claude-opus-4-1' });
    expect(parseModel('-')).toEqual({ ok: true, value: undefined });
  });

  it('knows the none forms', () => {
    for (const t of ['', ' ', '-', '–', '—', 'none', 'None', 'NONE']) expect(isNone(t)).toBe(true);
    for (const t of ['--', 'n', 'F1']) expect(isNone(t)).toBe(false);
  });
});
