import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExecutable } from './find-executable.js';

const dir = mkdtempSync(join(tmpdir(), 'nova-find-executable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (path: string, mode: number) => {
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, mode);
  return path;
};
const first = join(dir, 'first');
const second = join(dir, 'second');
mkdirSync(first);
mkdirSync(second);
const agent = file(join(second, 'agent'), 0o755);
file(join(first, 'agent'), 0o644); // not executable: skipped, the search goes on
mkdirSync(join(first, 'folder'));
file(join(second, 'folder'), 0o755);

describe('findExecutable', () => {
  it('finds a bare name in the first PATH folder holding an executable file of that name', () => {
    expect(findExecutable('agent', [first, second].join(delimiter), '/')).toBe(agent);
    // A folder of that name is not a program.
    expect(findExecutable('folder', [first, second].join(delimiter), '/')).toBe(
      join(second, 'folder'),
    );
  });

  it('returns null when no PATH folder has it, or there is no PATH', () => {
    expect(findExecutable('agent', first, '/')).toBeNull();
    expect(findExecutable('agent', '', '/')).toBeNull();
    expect(findExecutable('agent', undefined, '/')).toBeNull();
    expect(findExecutable('', second, '/')).toBeNull();
  });

  it('takes a name with a slash as a path from cwd, never searching PATH', () => {
    expect(findExecutable('./agent', first, second)).toBe(agent);
    expect(findExecutable(agent, '', '/')).toBe(agent);
    expect(findExecutable('./agent', second, first)).toBeNull(); // exists, not executable
    expect(findExecutable('second', second, dir)).toBeNull();
    expect(findExecutable('./second', '', dir)).toBeNull(); // a folder
  });
});
