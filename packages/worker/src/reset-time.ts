/**
 * When a usage limit resets, read from the agent's own words. Agents say it in prose ("resets 9am
 * (Europe/Berlin)", "try again in 3 hours", "resets Dec 1, 9am") or as `...|<unix seconds>`. Pure:
 * text and a clock in, an instant out; nothing here throws on any input.
 */

const SECOND = 1000;
const UNIT_MS: Record<string, number> = {
  s: SECOND,
  m: 60 * SECOND,
  h: 3600 * SECOND,
  d: 86_400 * SECOND,
};
const HALF_YEAR_MS = 183 * UNIT_MS.d!;
/** The latest instant a Date can hold: anything past it is not a time. */
const MAX_EPOCH = 8.64e15;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = String.raw`(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?`;

/** The `...|<unix seconds or ms>` suffix some agents end a limit message with. */
export const RESET_SUFFIX = /\|\s*(\d{9,13})\s*$/;

/** A unix time in seconds or milliseconds (told apart by size) -> epoch ms. */
export function epochMs(n: number): number {
  return n > 1e12 ? n : n * SECOND;
}

const ISO =
  /\b(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?(?![\d:])/i;
// "an hour", but not the "an" of "and".
const NUMBER = String.raw`\d+(?:\.\d+)?|an?(?=\s)`;
const UNIT = 'seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d';
const AMOUNT_ONE = String.raw`(?:${NUMBER})\s*(?:${UNIT})\b`;
const RELATIVE = new RegExp(
  String.raw`\bin\s+(${AMOUNT_ONE}(?:\s*(?:,|and)?\s*${AMOUNT_ONE})*)`,
  'i',
);
const AMOUNT_ALL = new RegExp(String.raw`(${NUMBER})\s*(${UNIT})\b`, 'gi');
/** Words after which a clock time is the reset time (not, say, the time the limit was hit). */
const ANCHOR = /\b(?:resets?|again|until|after|available)\b/gi;
const DATE_THEN_TIME = new RegExp(
  [
    String.raw`^[\s:,]*(?:(?:at|on)\s+)?`,
    // a date: "Dec 1[, 2026]", "1 Dec [2026]", "2026-12-01", "tomorrow", or none
    String.raw`(?:(?:${MONTH}\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?)`,
    String.raw`|(?:(\d{1,2})(?:st|nd|rd|th)?\s+${MONTH}(?:,?\s+(\d{4}))?)`,
    String.raw`|(?:(\d{4})-(\d{2})-(\d{2}))`,
    '|(tomorrow|today))?',
    String.raw`[\s,]*(?:at\s+)?`,
    // a clock time: "9am", "9:30 pm", "14:05", "14:05:30"
    String.raw`(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?(?![\d:])`,
    // a zone: "(UTC)", "UTC", "(Europe/Berlin)", "GMT+2", "+01:00"
    String.raw`(?:\s*\(?\s*((?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?|Z|UTC|GMT|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+)(?![A-Za-z0-9/])\s*\)?)?`,
  ].join(''),
  'i',
);

/**
 * The instant (epoch ms) a usage limit resets, as `text` states it, or null when it does not say.
 * Forms: the `|<unix seconds or ms>` suffix; an ISO-8601 time; a relative "in 3 hours" / "in 1h
 * 30m" / "in 45 minutes" (from `now`); a clock time after "reset(s)", "again", "until" with an
 * optional date ("Dec 1", "1 Dec 2026", "2026-12-01", "tomorrow") and zone ("(UTC)", an IANA zone
 * like "(Europe/Berlin)", "GMT+2"). Without a zone the clock is local time; without a date it is
 * the next such time after `now` (today, or tomorrow when it has already passed today).
 */
export function parseResetTime(text: string, now: number | Date = Date.now()): number | null {
  try {
    const at = typeof now === 'number' ? now : now.getTime();
    if (typeof text !== 'string' || !Number.isFinite(at)) return null;
    const found = piped(text) ?? iso(text) ?? relative(text, at) ?? clock(text, at);
    return found !== null && Number.isFinite(found) && Math.abs(found) <= MAX_EPOCH ? found : null;
  } catch {
    // A parse that trips over a pathological text knows no reset time: that is all it means.
    return null;
  }
}

function piped(text: string): number | null {
  const m = RESET_SUFFIX.exec(text);
  return m ? epochMs(Number(m[1])) : null;
}

function iso(text: string): number | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, offset] = m;
  const wall = { y: +y!, mo: +mo! - 1, d: +d!, h: +h!, mi: +mi!, s: s ? +s : 0 };
  if (!validWall(wall)) return null;
  if (offset) return fromOffset(wall, offset.toUpperCase() === 'Z' ? 0 : offsetMinutes(offset));
  return atZone(wall, zoneAfter(text.slice(m.index + m[0].length)));
}

function relative(text: string, now: number): number | null {
  const m = RELATIVE.exec(text);
  if (!m) return null;
  let ms = 0;
  for (const part of m[1]!.matchAll(AMOUNT_ALL)) {
    const amount = /^an?$/i.test(part[1]!) ? 1 : Number(part[1]);
    ms += amount * UNIT_MS[part[2]!.toLowerCase()[0]!]!;
  }
  return now + ms;
}

interface Wall {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

/** A zone named right after an ISO time without an offset, e.g. "2026-12-07 09:00 (Europe/Berlin)". */
function zoneAfter(rest: string): Zone {
  const m = /^\s*\(?\s*(UTC|GMT|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+)\s*\)?/i.exec(rest);
  return m ? zoneOf(m[1]!) : { kind: 'local' };
}

function clock(text: string, now: number): number | null {
  for (const anchor of text.matchAll(ANCHOR)) {
    const rest = text.slice(anchor.index + anchor[0].length, anchor.index + anchor[0].length + 80);
    const m = DATE_THEN_TIME.exec(rest);
    if (!m) continue;
    const [, monA, dayA, yearA, dayB, monB, yearB, yC, moC, dC, word, h, mi, s, ampm, zoneText] = m;
    // A bare number ("resets 9") is too vague to be a time.
    if (mi === undefined && ampm === undefined) continue;
    const zone = zoneText ? zoneOf(zoneText) : { kind: 'local' as const };
    if (zone.kind === 'unknown') continue;
    let hour = Number(h);
    if (ampm) {
      if (hour < 1 || hour > 12) continue;
      hour = (hour % 12) + (ampm[0]!.toLowerCase() === 'p' ? 12 : 0);
    }
    const time = { h: hour, mi: mi ? +mi : 0, s: s ? +s : 0 };
    if (time.h > 23 || time.mi > 59 || time.s > 59) continue;
    const today = wallAt(now, zone);
    const month = monA ?? monB;
    if (month !== undefined) {
      const mo = MONTHS.indexOf(month.slice(0, 3).toLowerCase());
      const year = yearA ?? yearB;
      const wall = { y: year ? +year : today.y, mo, d: Number(dayA ?? dayB), ...time };
      if (!validWall(wall)) continue;
      const t = atZone(wall, zone);
      // Without a year, a date long past is next year's ("Jan 2" said on Dec 30); one just past is
      // a reset that already happened.
      if (year === undefined && t !== null && t < now - HALF_YEAR_MS)
        return atZone({ ...wall, y: wall.y + 1 }, zone);
      return t;
    }
    if (yC !== undefined) {
      const wall = { y: +yC, mo: +moC! - 1, d: +dC!, ...time };
      return validWall(wall) ? atZone(wall, zone) : null;
    }
    const day = {
      y: today.y,
      mo: today.mo,
      d: today.d + (word?.toLowerCase() === 'tomorrow' ? 1 : 0),
    };
    const t = atZone({ ...day, ...time }, zone);
    if (word === undefined && t !== null && t <= now)
      return atZone({ ...day, d: day.d + 1, ...time }, zone);
    return t;
  }
  return null;
}

type Zone =
  | { kind: 'local' }
  | { kind: 'offset'; minutes: number }
  | { kind: 'iana'; name: string }
  | { kind: 'unknown' };

function zoneOf(name: string): Zone {
  const upper = name.toUpperCase();
  if (upper === 'Z' || upper === 'UTC' || upper === 'GMT') return { kind: 'offset', minutes: 0 };
  const off = /^(?:UTC|GMT)?([+-]\d{1,2}(?::?\d{2})?)$/i.exec(name);
  if (off) return { kind: 'offset', minutes: offsetMinutes(off[1]!) };
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return { kind: 'iana', name };
  } catch {
    return { kind: 'unknown' };
  }
}

/** "+02:00", "-0530", "+2" -> minutes east of UTC. */
function offsetMinutes(text: string): number {
  const m = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(text)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + (m[3] ? Number(m[3]) : 0));
}

function validWall(w: Wall): boolean {
  if (w.mo < 0 || w.mo > 11 || w.d < 1 || w.h > 23 || w.mi > 59 || w.s > 59) return false;
  return w.d <= new Date(Date.UTC(w.y, w.mo + 1, 0)).getUTCDate();
}

function fromOffset(w: Wall, minutes: number): number {
  return Date.UTC(w.y, w.mo, w.d, w.h, w.mi, w.s) - minutes * 60 * SECOND;
}

/** The instant a wall-clock time names in `zone` (Date arithmetic carries day overflow). */
function atZone(w: Wall, zone: Zone): number | null {
  switch (zone.kind) {
    case 'local':
      return new Date(w.y, w.mo, w.d, w.h, w.mi, w.s).getTime();
    case 'offset':
      return fromOffset(w, zone.minutes);
    case 'iana': {
      // The zone's offset at a first guess, then at the corrected instant (a DST change between).
      const asUtc = Date.UTC(w.y, w.mo, w.d, w.h, w.mi, w.s);
      let t = asUtc - zoneOffsetMs(asUtc, zone.name);
      t = asUtc - zoneOffsetMs(t, zone.name);
      return t;
    }
    default:
      return null;
  }
}

/** What a clock in `zone` shows at `t`, as if that were UTC, minus `t`. */
function zoneOffsetMs(t: number, zone: string): number {
  const w = wallAt(t, { kind: 'iana', name: zone });
  return Date.UTC(w.y, w.mo, w.d, w.h, w.mi, w.s) - Math.floor(t / SECOND) * SECOND;
}

/** The wall-clock date and time at `t` in `zone`. */
function wallAt(t: number, zone: Zone): Wall {
  if (zone.kind === 'iana') {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone.name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }).formatToParts(new Date(t));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return {
      y: get('year'),
      mo: get('month') - 1,
      d: get('day'),
      h: get('hour'),
      mi: get('minute'),
      s: get('second'),
    };
  }
  if (zone.kind === 'offset') {
    const d = new Date(t + zone.minutes * 60 * SECOND);
    return {
      y: d.getUTCFullYear(),
      mo: d.getUTCMonth(),
      d: d.getUTCDate(),
      h: d.getUTCHours(),
      mi: d.getUTCMinutes(),
      s: d.getUTCSeconds(),
    };
  }
  const d = new Date(t);
  return {
    y: d.getFullYear(),
    mo: d.getMonth(),
    d: d.getDate(),
    h: d.getHours(),
    mi: d.getMinutes(),
    s: d.getSeconds(),
  };
}
