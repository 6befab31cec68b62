import { describe, expect, it } from 'vitest';
import { parseGitVersion, versionAtLeast } from './repository.js';

describe('git versions', () => {
  it('reads the versions git prints on each platform', () => {
    expect(parseGitVersion('git version 2.39.5\n')).toBe('2.39.5');
    expect(parseGitVersion('git version 2.45.1.windows.1')).toBe('2.45.1');
    expect(parseGitVersion('git version 2.39.3 (Apple Git-145)')).toBe('2.39.3');
    expect(parseGitVersion('git version 2.17')).toBe('2.17.0');
    expect(parseGitVersion('hub version 2.14')).toBeNull();
  });

  it('compares numerically, not as text', () => {
    expect(versionAtLeast('2.17.0', '2.17.0')).toBe(true);
    expect(versionAtLeast('2.9.5', '2.17.0')).toBe(false);
    expect(versionAtLeast('2.100.0', '2.17.0')).toBe(true);
    expect(versionAtLeast('3.0.0', '2.24.0')).toBe(true);
    expect(versionAtLeast('2.16.99', '2.17.0')).toBe(false);
  });
});
