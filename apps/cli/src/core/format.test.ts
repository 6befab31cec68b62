import { reasonLine } from '@program-nova/core';
import { describe, expect, it } from 'vitest';
import { progressBar } from './format.js';

describe('terminal format helpers', () => {
  it('progressBar', () => {
    expect(progressBar(1, 4, 8)).toBe('[##------]');
    expect(progressBar(0, 0, 4)).toBe('[####]');
  });

  it('reasonLine keeps the first non-empty line without the worker prefix', () => {
    expect(reasonLine('F1', '\nTask F1: "claude" exited with code 3.\nLast lines')).toBe(
      '"claude" exited with code 3.',
    );
    expect(reasonLine('F1', 'Task F2: other')).toBe('Task F2: other');
    expect(reasonLine('F1', null)).toBe('');
  });
});
