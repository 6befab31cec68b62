import { readFile } from 'node:fs/promises';
import { CascadeError } from './errors.js';
import { parseCascade } from './parse.js';
import type { Cascade } from './types.js';

/**
 * Reads and parses a plan file. Diagnostics and the result carry `path` as given.
 * @throws CascadeError `E_FILE_NOT_FOUND`, `E_READ_FAILED` (a directory, no permission, ...) or
 *   `E_INVALID_CASCADE`.
 */
export async function parseCascadeFile(path: string): Promise<Cascade> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new CascadeError('E_FILE_NOT_FOUND', `${path}: no such file`, {
        file: path,
        cause: error,
      });
    }
    const why =
      code === 'EISDIR'
        ? 'is a directory, not a CASCADE.md file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : `cannot be read (${code ?? (error as Error).message})`;
    throw new CascadeError('E_READ_FAILED', `${path}: ${why}`, { file: path, cause: error });
  }
  return parseCascade(source, { filename: path });
}
