import { ensureDirectory } from '@program-nova/core/node';
import { CliError } from './cli-error.js';

/** A folder the user named, created like `mkdir -p`; a path that cannot hold one is a usage error. */
export function createFolder(dir: string): void {
  try {
    ensureDirectory(dir);
  } catch (error) {
    throw new CliError(
      'E_INVALID_INPUT',
      `cannot create the folder ${dir}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
