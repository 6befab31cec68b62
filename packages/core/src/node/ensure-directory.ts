import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { errnoCode } from './errno.js';

/**
 * Creates `path` and any missing parents, like `mkdir -p`; an existing directory is fine.
 *
 * Not `mkdirSync(path, { recursive: true })`: on Node 20 that loops forever (100% CPU) when mkdir
 * says ENOENT although the parent exists, as /proc does for `/proc/x`. Here each level is tried at
 * most twice (before and after its parent is made) and the walk stops at the root, so such a path
 * fails with the filesystem's own error instead of hanging.
 */
export function ensureDirectory(path: string): void {
  const dir = resolve(path);
  try {
    mkdirSync(dir);
    return;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST' && isDirectory(dir)) return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    ensureDirectory(parent);
  }
  try {
    mkdirSync(dir);
  } catch (error) {
    // A racing creator of the same folder is not a failure.
    if (errnoCode(error) === 'EEXIST' && isDirectory(dir)) return;
    throw error;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
