import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where `command` would be started from without a shell, or `null` when it cannot be started: a
 * name with a `/` is a path (relative to `cwd`) that must be an executable file; a bare name is
 * looked up in the folders of `pathEnv` (a PATH value), first match wins, empty entries skipped.
 * Checked before anything is spawned, so a missing agent is one clear error instead of a failure
 * of every task.
 */
export function findExecutable(
  command: string,
  pathEnv: string | undefined,
  cwd: string,
): string | null {
  if (command === '') return null;
  if (command.includes('/') || isAbsolute(command)) {
    const path = resolve(cwd, command);
    return isExecutableFile(path) ? path : null;
  }
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (dir === '') continue;
    const path = resolve(cwd, join(dir, command));
    if (isExecutableFile(path)) return path;
  }
  return null;
}
