import { describe, expect, it } from 'vitest';
import { formatAgo, formatSeconds } from './format.js';

describe('format', () => {
  it('durations given in seconds read like the CLI', () => {
    expect(formatSeconds(null)).toBe('—');
    expect(formatSeconds(9.7)).toBe('9.7s');
    expect(formatSeconds(65)).toBe('1m 05s');
    expect(formatSeconds(3 * 3600 + 120)).toBe('3h 02m');
  });
  it('ago', () => {
    expect(formatAgo(4_000)).toBe('4s ago');
    expect(formatAgo(125_000)).toBe('2m ago');
  });
});
