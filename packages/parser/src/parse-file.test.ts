import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CascadeError } from './errors.js';
import { parseCascadeFile } from './parse-file.js';

const dir = mkdtempSync(join(tmpdir(), 'nova-parser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(path: string): Promise<CascadeError> {
  try {
    await parseCascadeFile(path);
  } catch (error) {
    expect(error).toBeInstanceOf(CascadeError);
    return error as CascadeError;
  }
  throw new Error('expected a CascadeError');
}

describe('parseCascadeFile', { timeout: 120_000 }, () => {
  it('parses a file and keeps its path for diagnostics', async () => {
    const path = join(dir, 'CASCADE.md');
    writeFileSync(
      path,
      '# P\n## L1: A\n### L2: G\n| Task ID | Depends On |\n|---|---|\n| T1 | - |\n',
    );
    const cascade = await parseCascadeFile(path);
    expect(cascade.filename).toBe(path);
    expect(cascade.tasks.map((t) => t.id)).toEqual(['T1']);
  });

  it('names the file in every diagnostic of an invalid plan', async () => {
    const path = join(dir, 'bad.md');
    writeFileSync(
      path,
      '# P\n## L1: A\n### L2: G\n| Task ID | Depends On |\n|---|---|\n| T1 | T2 |\n',
    );
    const error = await failure(path);
    expect(error.code).toBe('E_INVALID_CASCADE');
    expect(error.file).toBe(path);
    expect(error.diagnostics).toEqual([
      expect.objectContaining({ code: 'E_UNKNOWN_DEPENDENCY', file: path, line: 6, column: 8 }),
    ]);
    expect(error.message).toContain(`${path}:6:8 error E_UNKNOWN_DEPENDENCY`);
  });

  it('E_FILE_NOT_FOUND for a missing file', async () => {
    const error = await failure(join(dir, 'missing.md'));
    expect(error.code).toBe('E_FILE_NOT_FOUND');
    expect(error.message).toContain('missing.md: no such file');
    expect(error.cause).toBeDefined();
  });

  it('E_READ_FAILED for a directory or an unreadable file', async () => {
    expect((await failure(dir)).code).toBe('E_READ_FAILED');
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked.md');
      writeFileSync(locked, '# x');
      chmodSync(locked, 0o000);
      expect((await failure(locked)).code).toBe('E_READ_FAILED');
    }
  });
});

describe('parseCascadeFileSync', () => {
  it('gives the same plan and the same errors as parseCascadeFile', async () => {
    const { parseCascadeFileSync } = await import('./parse-file.js');
    const path = join(dir, 'sync.md');
    writeFileSync(
      path,
      '# P\n## L1: A\n### L2: G\n| Task ID | Depends On |\n|---|---|\n| T1 | - |\n',
    );
    expect(parseCascadeFileSync(path).tasks).toEqual((await parseCascadeFile(path)).tasks);
    for (const bad of [join(dir, 'missing.md'), dir]) {
      let syncError: unknown;
      try {
        parseCascadeFileSync(bad);
      } catch (error) {
        syncError = error;
      }
      const asyncError = await failure(bad);
      expect(syncError).toMatchObject({ code: asyncError.code, message: asyncError.message });
    }
  });
});
