import { closeSync, existsSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDirectory } from '@program-nova/state/store';

/** Task IDs name log files: the parser's ID rule, which also rules out `/` and `..`. */
export const TASK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException)?.code;

/**
 * Opens a fresh `<id>.log` starting with `header`, first moving an existing one aside to
 * `<id>.log.<n>` (n one above the highest kept) so every attempt's log survives. Returns the
 * descriptor; the caller writes and closes it.
 *
 * Synchronous on purpose: it lets startWorker spawn (and expose the pid) before returning, and an
 * unwritable log is reported before anything is spawned. It is shaped for the common case, a
 * first attempt in an existing folder: one exclusive create and one write. The folder is created
 * and the earlier log rotated only when that create says they are needed.
 */
export function openAttemptLog(logsDir: string, taskId: string, header: string): number {
  const name = `${taskId}.log`;
  const path = join(logsDir, name);
  let fd = -1;
  // Three rounds at most: create the folder, rotate, then the create must succeed. 'wx' (never
  // an existing file) means a racing writer of the same log is an error, not an interleaved file.
  for (let round = 0; fd < 0; round++) {
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      const code = errno(error);
      if (round >= 2 || (code !== 'ENOENT' && code !== 'EEXIST')) throw error;
      if (code === 'ENOENT') ensureDirectory(logsDir);
      else rotate(logsDir, name);
    }
  }
  try {
    writeSync(fd, header);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

function rotate(logsDir: string, name: string): void {
  // Probe <name>.1, .2, ... rather than list the folder: a listing costs as much as the folder is
  // big, once per rotated attempt (a rerun beside 1,000 logs paid it 1,000 times). Nova numbers
  // without gaps, so the first free number is one above the highest kept.
  const path = join(logsDir, name);
  let n = 1;
  while (existsSync(`${path}.${n}`)) n++;
  renameSync(path, `${path}.${n}`);
}
