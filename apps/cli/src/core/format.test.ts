import { describe, expect, it } from 'vitest';
import { progressBar } from './format.js';

describe('terminal format helpers', () => {
  it('progressBar', () => {
    expect(progressBar(1, 4, 8)).toBe('[##------]');
    expect(progressBar(0, 0, 4)).toBe('[####]');
  });
});
