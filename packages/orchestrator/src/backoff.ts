/**
 * Delay before retry number `failures` (1 = after the first failure): exponential growth capped
 * at `maxMs`, with "equal jitter" (half fixed, half random) so that tasks failing together do not
 * retry in lockstep, while every retry still waits at least half the nominal delay.
 */
export function backoffDelay(
  failures: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const n = Math.max(1, Math.floor(failures));
  const nominal = Math.min(maxMs, baseMs * 2 ** (n - 1));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(nominal / 2 + (nominal / 2) * r);
}
