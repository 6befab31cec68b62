import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { ensureDirectory } from './ensure-directory.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'nova-ensure-'));
  dirs.push(d);
  return d;
};

test('creates missing parents and accepts an existing directory', () => {
  const root = temp();
  const deep = join(root, 'a', 'b', 'c');
  ensureDirectory(deep);
  expect(statSync(deep).isDirectory()).toBe(true);
  expect(() => ensureDirectory(deep)).not.toThrow();
});

test('an existing file in the way is an error, not success', () => {
  const root = temp();
  writeFileSync(join(root, 'f'), '');
  expect(() => ensureDirectory(join(root, 'f'))).toThrow(
    expect.objectContaining({ code: 'EEXIST' }),
  );
  expect(() => ensureDirectory(join(root, 'f', 'x'))).toThrow(
    expect.objectContaining({ code: 'ENOTDIR' }),
  );
});

test.runIf(process.platform === 'linux')(
  'fails with ENOENT (instead of spinning) where mkdir refuses under an existing parent',
  () => {
    expect(() => ensureDirectory('/proc/nova-no-such-dir/logs')).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
  },
);
