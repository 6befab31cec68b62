/**
 * `--timeout` values, read like the plan's Timeout column: `90s`, `30m`, `2h`, `1h30m`, `1.5h`,
 * `500ms`; a bare number is seconds. The parser reads the column with the same rules but does not
 * export its reader, so the CLI keeps this small copy (see the package README).
 */
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

const PART = /(\d+(?:\.\d+)?)\s*([a-z]*)\s*/y;

/** Milliseconds, or null when the text is not a positive duration. */
export function parseDuration(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (t === '') return null;
  let total = 0;
  let parts = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < t.length) {
    const m = PART.exec(t);
    if (m === null) return null;
    const unit = m[2] === '' ? 's' : m[2]!;
    const factor = UNIT_MS[unit];
    if (factor === undefined) return null;
    // A unit-less number is only allowed on its own ("90" = 90 s), never inside "1h30".
    if (m[2] === '' && (parts > 0 || PART.lastIndex < t.length)) return null;
    total += Number(m[1]) * factor;
    parts++;
  }
  const ms = Math.round(total);
  return parts > 0 && ms > 0 ? ms : null;
}

/** `1 h 02 min`, `3 min 05 s`, `12.3 s`: short human durations for the live view and summary. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
