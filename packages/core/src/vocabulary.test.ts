import { describe, expect, it } from 'vitest';
import { editDistance } from './edit-distance.js';
import { FAILURE_KINDS, isFailureKind } from './failure-kind.js';
import { earlierLogFileName, logFileName } from './log-file-name.js';
import { isTaskId } from './task-id.js';
import { addUsage, addUsageInto, totalTokens, usageIsZero, zeroUsage } from './token-usage.js';

describe('task ids', () => {
  it('accepts what can name a file and a branch, nothing that leaves a folder', () => {
    for (const ok of ['A1', 'api-03', 'x.y_z', '9']) expect(isTaskId(ok)).toBe(true);
    for (const bad of ['', '-a', '.hidden', '../x', 'a/b', 'a b', 'é', 'a\n', 42, null]) {
      expect(isTaskId(bad)).toBe(false);
    }
  });
});

describe('failure kinds', () => {
  it('are a closed list', () => {
    expect(FAILURE_KINDS).toContain('exit_code');
    expect(isFailureKind('usage_limit')).toBe(true);
    expect(isFailureKind('nope')).toBe(false);
  });
});

describe('token usage', () => {
  it('adds, totals and tells zero', () => {
    const a = { input_tokens: 1, output_tokens: 2, cache_read_tokens: 3, cache_creation_tokens: 4 };
    expect(totalTokens(addUsage(a, a))).toBe(20);
    const sum = zeroUsage();
    addUsageInto(sum, a);
    addUsageInto(sum, a);
    expect(sum).toEqual(addUsage(a, a));
    expect(usageIsZero(zeroUsage())).toBe(true);
    expect(usageIsZero(a)).toBe(false);
  });
});

describe('log file names', () => {
  it('current and earlier attempts', () => {
    expect(logFileName('API-03')).toBe('API-03.log');
    expect(earlierLogFileName('API-03', 2)).toBe('API-03.log.2');
  });
});

describe('editDistance', () => {
  it('counts edits and adjacent swaps, stopping past the limit', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('status', 'stauts')).toBe(1);
    expect(editDistance('abc', 'xyzxyz', 2)).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', 'abc', 3)).toBe(0);
    expect(editDistance('abc', 'abd', 3)).toBe(1);
    expect(editDistance('abc', 'ab', 3)).toBe(1);
    expect(editDistance('aaaaaaaa', 'bbbbbbbb', 2)).toBe(3);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });
});
