import { describe, expect, it } from 'vitest';
import { excludePattern } from './exclude.js';

describe('excludePattern', () => {
  it('anchors the folder at the root and matches it literally', () => {
    expect(excludePattern('worktrees')).toBe('/worktrees/');
    expect(excludePattern('.nova/worktrees')).toBe('/.nova/worktrees/');
    expect(excludePattern('a [b]*?')).toBe('/a \\[b\\]\\*\\?/');
    expect(excludePattern('back\\slash')).toBe('/back\\\\slash/');
    expect(excludePattern('trailing  ')).toBe('/trailing\\ \\ /');
  });
});
