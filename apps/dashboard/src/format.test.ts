import { describe, expect, it } from 'vitest';
import { formatCost, formatDuration, formatPercent, formatTokens } from './format.js';

describe('format', () => {
  it('durations', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(9.7)).toBe('9s');
    expect(formatDuration(65)).toBe('1m 05s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3h 02m');
  });
  it('tokens and cost', () => {
    expect(formatTokens(999)).toBe('999');
    expect(formatTokens(12_345)).toBe('12.3k');
    expect(formatTokens(2_500_000)).toBe('2.50M');
    expect(formatCost(null)).toBe('—');
    expect(formatCost(0.0042)).toBe('$0.0042');
    expect(formatCost(12.345)).toBe('$12.35');
  });
  it('percent never rounds up to done', () => {
    expect(formatPercent(199, 200)).toBe('99%');
    expect(formatPercent(1, 500)).toBe('0.2%');
  });
});
