// Display formatting the dashboard adds to @program-nova/core's (which the CLI shares): every
// figure shown was derived by @program-nova/state and is formatted by core where the CLI shows it too.
import { formatDuration } from '@program-nova/core';

/** A duration the state gives in seconds (elapsedSeconds, rollup wall and task time). */
export function formatSeconds(seconds: number | null | undefined): string {
  return formatDuration(seconds === null || seconds === undefined ? seconds : seconds * 1000);
}

export function formatExactTokens(n: number): string {
  return n.toLocaleString('en-US');
}

/** Local clock time; the date too when it is not today. */
export function formatTime(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = date.toLocaleTimeString('en-GB', { hour12: false });
  if (date.toDateString() === now.toDateString()) return time;
  return `${date.toLocaleDateString('en-CA')} ${time}`;
}

export function formatAgo(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  return `${Math.floor(s / 3600)}h ago`;
}
