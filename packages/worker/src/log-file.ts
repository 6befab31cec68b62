import { closeSync, open, rmSync, write } from 'node:fs';
import { join } from 'node:path';
import { logFileName } from '@program-nova/core';
import { ensureDirectory, errnoCode, moveEarlierLogAside } from '@program-nova/core/node';

/**
 * Opens a fresh `<id>.log` starting with `header`, first moving an existing one aside to
 * `<id>.log.<n>` (n one above the highest kept) so every attempt's log survives. Resolves to the
 * descriptor; the caller writes and closes it.
 *
 * The create and the header write run on libuv's thread pool: creating a file can take a
 * millisecond or more (a new inode on a busy file system, a network file system), and a worker
 * host's event loop serves every other worker meanwhile. It is shaped for the common case, a first
 * attempt in an existing folder: one exclusive create and one write. The folder is created and the
 * earlier log rotated (both rare, both synchronous) only when that create says they are needed.
 */
export async function openAttemptLog(
  logsDir: string,
  taskId: string,
  header: string,
): Promise<number> {
  const path = join(logsDir, logFileName(taskId));
  let fd = -1;
  // Three rounds at most: create the folder, rotate, then the create must succeed. 'wx' (never
  // an existing file) means a racing writer of the same log is an error, not an interleaved file.
  for (let round = 0; fd < 0; round++) {
    try {
      fd = await new Promise<number>((resolve, reject) =>
        open(path, 'wx', (error, opened) => (error ? reject(error) : resolve(opened))),
      );
    } catch (error) {
      const code = errnoCode(error);
      if (round >= 2 || (code !== 'ENOENT' && code !== 'EEXIST')) throw error;
      if (code === 'ENOENT') ensureDirectory(logsDir);
      else moveEarlierLogAside(logsDir, taskId);
    }
  }
  try {
    let rest = Buffer.from(header);
    // A nearly full disk (or a file size limit) takes part of a write and refuses the rest.
    while (rest.length > 0) {
      const written = await new Promise<number>((resolve, reject) =>
        write(fd, rest, (error, n) => (error ? reject(error) : resolve(n))),
      );
      rest = rest.subarray(written);
    }
  } catch (error) {
    closeSync(fd);
    // A log cut inside its header tells of an attempt that never ran: leave none behind.
    try {
      rmSync(path, { force: true });
    } catch {
      // The write's error is the one to report.
    }
    throw error;
  }
  return fd;
}
