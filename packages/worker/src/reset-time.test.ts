import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseResetTime } from './reset-time.js';

// Sunday 6 December 2026, 20:00 UTC (21:00 in Berlin, 15:00 in New York).
const NOW = Date.UTC(2026, 11, 6, 20, 0, 0);
const utc = (mo: number, d: number, h: number, mi = 0, s = 0, y = 2026) =>
  Date.UTC(y, mo - 1, d, h, mi, s);
const MIN = 60_000;
const HOUR = 60 * MIN;

/** The next local wall-clock time h:mi after `now` (what a zone-less clock time means). */
function nextLocal(now: number, h: number, mi = 0): number {
  const d = new Date(now);
  const today = new Date(d.getFullYear(), d.getMonth(), d.getDate(), h, mi).getTime();
  return today > now
    ? today
    : new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, h, mi).getTime();
}

describe('parseResetTime', () => {
  it.each<[string, number]>([
    // the piped epoch form (seconds or milliseconds)
    ['Claude AI usage limit reached|1765130400', 1765130400_000],
    ['Claude AI usage limit reached|1765130400123', 1765130400123],
    // ISO times
    ['Usage limit reached; reset at 2026-12-07T09:00:00Z', utc(12, 7, 9)],
    ['limit reached, resets at 2026-12-07T10:00:00+01:00', utc(12, 7, 9)],
    ['resets 2026-12-07 09:00 (Europe/Berlin)', utc(12, 7, 8)],
    // clock times without a date: today, or tomorrow once past
    ['5-hour limit reached ∙ resets 9am (UTC)', utc(12, 7, 9)],
    ['resets at 21:30 (UTC)', utc(12, 6, 21, 30)],
    ['resets at 14:05 UTC', utc(12, 7, 14, 5)],
    ['Session limit reached ∙ resets 10pm (Europe/Berlin)', utc(12, 6, 21)],
    ['Your limit will reset at 4pm (America/New_York).', utc(12, 6, 21)],
    [
      'Claude usage limit reached. Your limit will reset at 3pm (America/New_York).',
      utc(12, 7, 20),
    ],
    ['resets 12am (UTC)', utc(12, 7, 0)],
    ['resets 12pm (UTC)', utc(12, 7, 12)],
    ['resets at 9:30 p.m. (UTC)', utc(12, 6, 21, 30)],
    ['resets at 23:59:30 (GMT+2)', utc(12, 6, 21, 59, 30)],
    ['rate limited until 8am UTC+05:30', utc(12, 7, 2, 30)],
    ['please try again at 20:00:05 (UTC)', utc(12, 6, 20, 0, 5)],
    ['resets tomorrow at 9am (UTC)', utc(12, 7, 9)],
    ['resets today at 11pm (UTC)', utc(12, 6, 23)],
    // with a date
    ["You've hit your limit · resets Dec 7, 9am (Europe/Berlin)", utc(12, 7, 8)],
    ['resets December 8 at 14:00 (UTC)', utc(12, 8, 14)],
    ['resets 1 Jan 2027 at 00:00 (UTC)', utc(1, 1, 0, 0, 0, 2027)],
    ['resets Jan 2, 9am (UTC)', utc(1, 2, 9, 0, 0, 2027)],
    ['resets Dec 5, 9am (UTC)', utc(12, 5, 9)],
    ['weekly limit reached, resets 2026-12-10 9am (UTC)', utc(12, 10, 9)],
    // relative
    ['usage limit reached, try again in 3 hours', NOW + 3 * HOUR],
    ['rate limit: try again in 45 minutes', NOW + 45 * MIN],
    ['limit reached; resets in 1h 30m', NOW + 90 * MIN],
    ['try again in 2 hours and 15 minutes', NOW + 135 * MIN],
    ['limit reached, try again in an hour', NOW + HOUR],
    ['try again in 30 seconds', NOW + 30_000],
    ['try again in 3 secs.', NOW + 3000],
    ['resets in 1.5 hours', NOW + 90 * MIN],
    ['resets in 2 days', NOW + 48 * HOUR],
    ['resets in 1d 2h, 5m', NOW + 26 * HOUR + 5 * MIN],
  ])('%s', (text, expected) => {
    expect(parseResetTime(text, NOW)).toBe(expected);
  });

  it('reads a clock time without a zone as local time', () => {
    expect(parseResetTime('limit reached, resets 9am', NOW)).toBe(nextLocal(NOW, 9));
    expect(parseResetTime('limit reached, resets at 14:05', NOW)).toBe(nextLocal(NOW, 14, 5));
    expect(parseResetTime('resets at 23:10', new Date(NOW))).toBe(nextLocal(NOW, 23, 10));
  });

  it('follows a daylight-saving change in an IANA zone', () => {
    // Berlin moves to CEST at 02:00 on 29 March 2026: 3am that morning is 01:00 UTC, not 02:00.
    expect(parseResetTime('resets 3am (Europe/Berlin)', Date.UTC(2026, 2, 28, 23))).toBe(
      Date.UTC(2026, 2, 29, 1),
    );
    expect(parseResetTime('resets 3am (Europe/Berlin)', Date.UTC(2026, 2, 27, 23))).toBe(
      Date.UTC(2026, 2, 28, 2),
    );
  });

  it.each([
    'usage limit reached',
    'usage limit reached, resets soon',
    'resets 9',
    'resets at 25:00',
    'resets 13pm',
    'resets at 12:75',
    'resets 9am (Mars/Olympus)',
    'resets Feb 30, 9am (UTC)',
    'limit reached at 9am',
    'try again in a few minutes',
    'resets in 3 months',
    '',
    '|12',
  ])('knows no time in %j', (text) => {
    expect(parseResetTime(text, NOW)).toBeNull();
  });

  it('knows no time for a clock that is no time', () => {
    expect(parseResetTime('resets at 9am (UTC)', Number.NaN)).toBeNull();
    expect(parseResetTime('try again in 99999999999999999999 hours', NOW)).toBeNull();
  });
});

const nowArb = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });
const pad = (n: number) => String(n).padStart(2, '0');

describe('parseResetTime properties', () => {
  it('never throws, and answers null or a valid time, on any text', () => {
    const piece = fc.constantFrom(
      'resets',
      'reset at',
      'try again in',
      ' ',
      ',',
      '|',
      '9',
      '12',
      ':',
      '30',
      'am',
      'pm',
      '(UTC)',
      '(Europe/Berlin)',
      '(No/Where)',
      'Dec',
      '1st',
      '2026-12-07T09:00',
      'Z',
      '+01:00',
      'hours',
      'h',
      'm',
      'an',
      'tomorrow',
    );
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.array(piece).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(text, fc.oneof(nowArb, fc.double()), (t, now) => {
        const r = parseResetTime(t, now);
        expect(r === null || (Number.isFinite(r) && Math.abs(r) <= 8.64e15)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('a relative time is now plus the duration', () => {
    fc.assert(
      fc.property(
        nowArb,
        fc.integer({ min: 0, max: 72 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        (now, h, m, s) => {
          const text = `usage limit reached, try again in ${h}h ${m}m ${s}s`;
          expect(parseResetTime(text, now)).toBe(now + ((h * 60 + m) * 60 + s) * 1000);
          expect(parseResetTime(`resets in ${m} minutes`, now)).toBe(now + m * MIN);
        },
      ),
    );
  });

  it('a clock time in UTC is the next such time: after now, within a day', () => {
    fc.assert(
      fc.property(
        nowArb,
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        (now, h, m, s) => {
          const r = parseResetTime(`resets at ${pad(h)}:${pad(m)}:${pad(s)} (UTC)`, now)!;
          expect(r).toBeGreaterThan(now);
          expect(r).toBeLessThanOrEqual(now + 24 * HOUR);
          const d = new Date(r);
          expect([d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]).toEqual([h, m, s]);
        },
      ),
    );
  });

  it('a clock time in an IANA zone shows that time on the zone’s clock', () => {
    fc.assert(
      fc.property(
        nowArb,
        fc.constantFrom('Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'),
        // 02:xx and 03:xx fall into the DST gap of some of these zones on one night a year.
        fc.integer({ min: 4, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (now, zone, h, m) => {
          const r = parseResetTime(`resets ${pad(h)}:${pad(m)} (${zone})`, now)!;
          expect(r).toBeGreaterThan(now);
          expect(r).toBeLessThanOrEqual(now + 25 * HOUR);
          const shown = new Intl.DateTimeFormat('en-GB', {
            timeZone: zone,
            hour: '2-digit',
            minute: '2-digit',
            hourCycle: 'h23',
          }).format(r);
          expect(shown).toBe(`${pad(h)}:${pad(m)}`);
        },
      ),
    );
  });

  it('a piped epoch is that instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000_000_000, max: 9_999_999_999 }), nowArb, (sec, now) => {
        expect(parseResetTime(`Claude AI usage limit reached|${sec}`, now)).toBe(sec * 1000);
      }),
    );
  });
});
