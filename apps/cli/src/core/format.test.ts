import { describe, expect, it } from 'vitest';
import { clip, formatCost, formatTokens, progressBar, reasonLine } from './format.js';

describe('format helpers', () => {
  it('tokens, cost, bar, clip', () => {
    expect(formatTokens(950)).toBe('950');
    expect(formatTokens(2345)).toBe('2.35k');
    expect(formatTokens(123_456)).toBe('123.5k');
    expect(formatTokens(4_560_000)).toBe('4.56M');
    expect(formatCost(0.01234)).toBe('$0.0123');
    expect(formatCost(12.345)).toBe('$12.35');
    expect(formatCost(null)).toBe('unknown');
    expect(progressBar(1, 4, 8)).toBe('[##------]');
    expect(progressBar(0, 0, 4)).toBe('[####]');
    expect(clip('abcdef', 4)).toBe('abc…');
  });

  it('reasonLine keeps the first non-empty line without the worker prefix', () => {
    expect(reasonLine('F1', '\nTask F1: "claude" exited with code 3.\nLast lines')).toBe(
      '"claude" exited with code 3.',
    );
    expect(reasonLine('F1', 'Task F2: other')).toBe('Task F2: other');
    expect(reasonLine('F1', null)).toBe('');
  });
});
