import { describe, expect, it } from 'vitest';
import { parseNumstat } from './finish.js';

describe('parseNumstat', () => {
  it('reads -z numstat: counts, binaries as null, paths with tabs and spaces as written', () => {
    expect(
      parseNumstat('3\t1\ta.txt\0-\t-\tlogo.png\0' + '0\t2\tdir/with\ttab and space.md\0'),
    ).toEqual([
      { path: 'a.txt', added: 3, removed: 1 },
      { path: 'logo.png', added: null, removed: null },
      { path: 'dir/with\ttab and space.md', added: 0, removed: 2 },
    ]);
    expect(parseNumstat('')).toEqual([]);
  });
});
