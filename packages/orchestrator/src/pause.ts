/**
 * Which pause of new starts holds after a usage limit. A reset time the agent stated is the truth
 * for that limit; the fallback (`usageLimitPauseMs`) is only a guess for a limit that came without
 * one, and a guess must never hold back work that a known reset would already allow.
 */

export interface Pause {
  /** Epoch ms until which nothing new starts. */
  until: number;
  /** `until` is a reset time an agent stated (not the fallback guess). */
  known: boolean;
  reason: string;
  /** The task that reported the limit; null when none did (a pause carried over from a run). */
  task: string | null;
}

export interface LimitReport {
  task: string | null;
  reason: string;
  /** The reset time the agent stated (epoch ms), or null when it said none (or one already past). */
  resetAt: number | null;
}

/**
 * The pause after `report`, or null when the current one stands. Rules: a known reset sets the
 * pause to it, even earlier than a fallback pause; a later known reset extends a known pause, an
 * earlier one leaves it; an unknown reset pauses for the fallback only when no known reset is
 * pending, and never shortens a pause.
 */
export function nextPause(
  current: Pause | null,
  report: LimitReport,
  now: number,
  fallbackMs: number,
): Pause | null {
  const active = current !== null && current.until > now ? current : null;
  const base = { reason: report.reason, task: report.task };
  if (report.resetAt !== null && report.resetAt > now) {
    if (active?.known && active.until >= report.resetAt) return null;
    return { ...base, until: report.resetAt, known: true };
  }
  if (active?.known) return null;
  const until = now + fallbackMs;
  if (active && active.until >= until) return null;
  return { ...base, until, known: false };
}
