import { splitCommand } from '@program-nova/core';

/** Reading the well-known optional columns: `Model`, `Timeout`, `Retries`. */

export type FieldResult<T> = { ok: true; value: T | undefined } | { ok: false; reason: string };

/** Cell values that mean "nothing here" in every optional column (and in `Depends On`). */
export function isNone(text: string): boolean {
  const t = text.trim().toLowerCase();
  return t === '' || t === '-' || t === '–' || t === '—' || t === 'none';
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
};

const DURATION_PART = /(\d+(?:\.\d+)?)\s*([a-z]*)\s*/y;

/**
 * `90s`, `30m`, `2h`, `1h30m`, `1h 30m`, `1.5h`, `500ms`; a bare number is seconds. Must be > 0.
 * Empty, `-` or `none` means no timeout.
 */
export function parseTimeout(text: string): FieldResult<number> {
  const t = text.trim().toLowerCase();
  if (isNone(t)) return { ok: true, value: undefined };
  let total = 0;
  let parts = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < t.length) {
    const at = DURATION_PART.lastIndex;
    const m = DURATION_PART.exec(t);
    if (m === null) {
      return { ok: false, reason: at === 0 ? 'not a duration' : `cannot read "${t.slice(at)}"` };
    }
    const unit = m[2] === '' ? 's' : m[2]!;
    const factor = UNIT_MS[unit];
    if (factor === undefined) return { ok: false, reason: `unknown unit "${m[2]}"` };
    if (m[2] === '' && (parts > 0 || DURATION_PART.lastIndex < t.length)) {
      return { ok: false, reason: 'only a lone number may omit its unit' };
    }
    total += Number(m[1]) * factor;
    parts++;
  }
  if (parts === 0) return { ok: false, reason: 'empty duration' };
  const ms = Math.round(total);
  if (ms <= 0) return { ok: false, reason: 'must be greater than zero' };
  return { ok: true, value: ms };
}

/** A whole number >= 0: extra attempts after the first. Empty, `-` or `none` means not set. */
export function parseRetries(text: string): FieldResult<number> {
  const t = text.trim();
  if (isNone(t)) return { ok: true, value: undefined };
  let digits = true;
  for (const ch of t) if (ch < '0' || ch > '9') digits = false;
  if (!digits || t.length > 6)
    return { ok: false, reason: 'expected a whole number of retries, e.g. 2' };
  return { ok: true, value: Number(t) };
}

/**
 * A command run to check a task's work (`npm test`, `sh -c 'make && make check'`), split into
 * arguments the way worker commands are (quotes and `\` honoured, never a shell). Empty, `-` or
 * `none` means the run's verify command, if any.
 */
export function parseVerify(text: string): FieldResult<string[]> {
  const t = text.trim();
  if (isNone(t)) return { ok: true, value: undefined };
  let argv: string[];
  try {
    argv = splitCommand(t);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  return { ok: true, value: argv };
}

/** Any non-empty text; `-` or `none` means the default model. */
export function parseModel(text: string): FieldResult<string> {
  const t = text.trim();
  return { ok: true, value: isNone(t) ? undefined : t };
}
