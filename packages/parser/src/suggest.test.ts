import { describe, expect, it } from 'vitest';
import { createSuggester } from './suggest.js';

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
