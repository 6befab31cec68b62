/**
 * Why a child could not be started, in words a person can act on. Spawn reports most problems as a
 * bare errno (ENOENT reads the same for a missing command, a missing `#!` interpreter and a missing
 * working directory), so the cause is told apart here by looking at the command and the folder.
 */
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { findExecutable } from '@program-nova/core/node';
import { WorkerError } from './errors.js';

/** Checked before spawning: spawn reports a missing cwd as ENOENT, which reads like a missing command. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function missingWorkingDirectory(taskId: string, cwd: string): WorkerError {
  return new WorkerError(
    'SPAWN_FAILED',
    `Task ${taskId}: the working directory ${cwd} does not exist or is not a folder.`,
  );
}

/** The WorkerError for an error that spawn threw or emitted before the child ran. */
export function diagnoseSpawnError(
  taskId: string,
  command: string,
  error: NodeJS.ErrnoException,
  pathEnv: string | undefined,
  cwd: string = process.cwd(),
): WorkerError {
  const fail = (code: 'COMMAND_NOT_FOUND' | 'SPAWN_FAILED', message: string) =>
    new WorkerError(code, `Task ${taskId}: ${message}`, { cause: error });
  if (error.code === 'ENOENT') {
    if (command.includes('/') || isAbsolute(command)) {
      return fail(
        'COMMAND_NOT_FOUND',
        exists(command)
          ? `cannot run "${command}": the file exists but its interpreter (the #! line) was not found.`
          : `command "${command}" not found: no such file. Fix the worker command's path.`,
      );
    }
    // The child's PATH, not ours: that is where spawn looked. Without one there is nothing to
    // search. Relative PATH entries are relative to the child's folder.
    const found = findExecutable(command, pathEnv, cwd);
    return fail(
      'COMMAND_NOT_FOUND',
      found
        ? `cannot run "${command}" (${found}): its interpreter (the #! line) was not found.`
        : `command "${command}" not found: it is not on PATH. Install it, or set the worker command to its full path.`,
    );
  }
  if (error.code === 'EACCES') {
    return fail(
      'SPAWN_FAILED',
      `cannot run "${command}": permission denied (is it an executable file? try chmod +x).`,
    );
  }
  if (error.code === 'ERR_INVALID_ARG_VALUE' || error.code === 'ERR_INVALID_ARG_TYPE') {
    return fail(
      'SPAWN_FAILED',
      `cannot start "${command}": ${error.message} (a NUL character cannot be passed in a command argument or environment variable).`,
    );
  }
  return fail('SPAWN_FAILED', `could not start "${command}": ${error.message}.`);
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
