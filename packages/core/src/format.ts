/**
 * Display formatting shared by the CLI, the dashboard and failure messages, so one figure reads
 * the same everywhere. No Node APIs: the dashboard bundles this file.
 */

/** Shown for a figure that is not known (no start time yet, an unpriced model). */
export const UNKNOWN = '—';

const known = (n: number | null | undefined): n is number =>
  typeof n === 'number' && Number.isFinite(n);

/**
 * `350ms`, `4.2s`, `42s`, `3m 05s`, `30m`, `2h 07m`, `5h`: short, and in the form the plan's
 * Timeout column reads back.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (!known(ms)) return UNKNOWN;
  const t = Math.max(0, ms);
  if (t < 1000) return `${Math.round(t)}ms`;
  if (t < 10_000) return `${(Math.floor(t / 100) / 10).toFixed(1)}s`;
  const s = Math.floor(t / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m}m` : `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h}h` : `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

/** `950`, `1.23k`, `12.3k`, `123k`, `4.56M`, `1.20B`: compact token counts. */
export function formatTokens(n: number | null | undefined): string {
  if (!known(n)) return UNKNOWN;
  const scaled = (value: number, unit: string) =>
    `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)}${unit}`;
  const a = Math.abs(n);
  if (a < 1000) return String(Math.round(n));
  if (a < 1e6) return scaled(n / 1e3, 'k');
  if (a < 1e9) return scaled(n / 1e6, 'M');
  return scaled(n / 1e9, 'B');
}

/** `$0.00`, `$0.0042` under a cent, `$12.34`, `$1,234` from a hundred dollars up. */
export function formatCost(usd: number | null | undefined): string {
  if (!known(usd)) return UNKNOWN;
  if (usd === 0) return '$0.00';
  if (Math.abs(usd) < 0.01) return `$${usd.toFixed(4)}`;
  if (Math.abs(usd) < 100) return `$${usd.toFixed(2)}`;
  return `$${Math.round(usd).toLocaleString('en-US')}`;
}

/** `512 bytes`, `1.5 KiB`, `128 MiB`. */
export function formatBytes(n: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (n < 1024) return `${n} bytes`;
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

/** Whole percent, floored (never 100% before the end); one decimal below 1% so a start shows. */
export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const pct = (part / whole) * 100;
  return `${pct > 0 && pct < 1 ? pct.toFixed(1) : Math.floor(pct)}%`;
}

/** At most `max` characters (code points, so a surrogate pair is never cut), `…` marking a cut. */
export function clip(text: string, max: number): string {
  if (max <= 0) return '';
  if (text.length <= max) return text;
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The first non-blank line, trimmed ('' when there is none). */
export function firstLine(text: string | null | undefined): string {
  if (!text) return '';
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t !== '') return t;
  }
  return '';
}

/** Whitespace runs (newlines included) folded to one space, then clipped to `max`. */
export function oneLine(text: string, max = 300): string {
  return clip(text.replace(/\s+/g, ' ').trim(), max);
}

/** The last `maxLines` non-blank lines, each clipped to a readable length. */
export function tailLines(text: string, maxLines: number, maxLineLength = 500): string {
  const lines = text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(-maxLines)
    .map((l) => clip(l, maxLineLength));
  return lines.join('\n');
}

const MONTH_NAMES = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];
const two = (n: number) => String(n).padStart(2, '0');

/**
 * A time of day in the viewer's local time: `14:05`, `14:05:30` (seconds only when there are
 * some), with the day in front (`Dec 7 14:05`) when it is not `now`'s day.
 */
export function formatClock(ms: number, now: number = Date.now()): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return UNKNOWN;
  const time = `${two(d.getHours())}:${two(d.getMinutes())}${d.getSeconds() ? `:${two(d.getSeconds())}` : ''}`;
  const today = new Date(now);
  const sameDay =
    d.getFullYear() === today.getFullYear() &&
    d.getMonth() === today.getMonth() &&
    d.getDate() === today.getDate();
  return sameDay ? time : `${MONTH_NAMES[d.getMonth()]} ${d.getDate()} ${time}`;
}

/**
 * A pause of new starts for people, the same words in the run's lines, `nova status` and the
 * dashboard: `until 14:05 (in 12m): usage limit reported by API-03`. An `until` that is not a
 * time is shown as it is.
 */
export function formatPauseDetail(
  pause: { until: string; reason: string },
  now: number = Date.now(),
): string {
  const t = Date.parse(pause.until);
  const when = Number.isNaN(t)
    ? pause.until
    : `${formatClock(t, now)} (in ${formatDuration(Math.max(0, t - now))})`;
  return `until ${when}: ${firstLine(pause.reason)}`;
}

/** `Paused until 14:05 (in 12m): usage limit reported by API-03` */
export function formatPause(pause: { until: string; reason: string }, now: number = Date.now()) {
  return `Paused ${formatPauseDetail(pause, now)}`;
}

/**
 * The first line of a task's failure reason, without the worker's `Task <id>: ` prefix (the task
 * is named beside it wherever the reason is shown).
 */
export function reasonLine(id: string, error: string | null | undefined): string {
  const line = firstLine(error);
  const prefix = `Task ${id}: `;
  return line.startsWith(prefix) ? line.slice(prefix.length) : line;
}
