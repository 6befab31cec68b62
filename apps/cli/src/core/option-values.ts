/**
 * Reading option values that must be numbers or lengths of time, the same way for every command:
 * each bad value is one usage error naming the flag, what it takes, and what it got.
 */
import { parseTimeout } from '@program-nova/parser';
import { CliError } from './cli-error.js';

/** A whole number >= `min`, or undefined when not given. */
export function wholeNumber(
  text: string | number | undefined,
  flag: string,
  min: number,
  command: string,
): number | undefined {
  if (text === undefined) return undefined;
  const s = String(text).trim();
  const n = /^\d+$/.test(s) ? Number(s) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new CliError('E_USAGE', `${flag} must be a whole number >= ${min}, got "${text}"`, {
      command,
    });
  }
  return n;
}

/**
 * A length of time read like the plan's Timeout column (`90s`, `10m`, `1h30m`), in ms, that must
 * be given (`none` is refused) and be at least `least` (default 1 ms).
 */
export function positiveDuration(
  text: string | number,
  flag: string,
  examples: string,
  command: string,
  least: { ms: number; text: string } = { ms: 1, text: '' },
): number {
  const read = parseTimeout(String(text));
  if (!read.ok || read.value === undefined || read.value === null || read.value < least.ms) {
    const atLeast = least.text === '' ? '' : ` of at least ${least.text}`;
    throw new CliError(
      'E_USAGE',
      `${flag} must be a duration${atLeast} such as ${examples}, got "${text}"${read.ok ? '' : ` (${read.reason})`}`,
      { command },
    );
  }
  return read.value;
}
