import { describe, expect, it } from 'vitest';
import { createSuggester, editDistance } from './suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps', () => {
    expect(editDistance('abc', 'abc', 3)).toBe(0);
    expect(editDistance('abc', 'abd', 3)).toBe(1);
    expect(editDistance('abc', 'acb', 3)).toBe(1);
    expect(editDistance('abc', 'ab', 3)).toBe(1);
    expect(editDistance('kitten', 'sitting', 5)).toBe(3);
  });

  it('stops early past the limit', () => {
    expect(editDistance('aaaaaaaa', 'bbbbbbbb', 2)).toBe(3);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });
});

describe('createSuggester', () => {
  const s = createSuggester(['setup-db', 'F1', 'F2', 'API.v2', 'TEST-002', 'migrate-schema']);

  it('matches ignoring case and separators first', () => {
    expect(s.suggest('f1')).toBe('F1');
    expect(s.suggest('api_v2')).toBe('API.v2');
    expect(s.suggest('test002')).toBe('TEST-002');
  });

  it('suggests a near miss', () => {
    expect(s.suggest('setup-bd')).toBe('setup-db');
    expect(s.suggest('migrate-shema')).toBe('migrate-schema');
  });

  it('stays quiet when nothing is close or several are equally close', () => {
    expect(s.suggest('GHOST')).toBeUndefined();
    expect(s.suggest('F9')).toBeUndefined();
  });
});
