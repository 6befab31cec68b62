import type { WriteStream } from 'node:fs';
import {
  closeSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** Task IDs name log files: the parser's ID rule, which also rules out `/` and `..`. */
export const TASK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Moves an existing `<id>.log` aside to `<id>.log.<n>` (n one above the highest kept) so every
 * attempt's log survives, and opens a fresh `<id>.log` starting with `header`. Synchronous on purpose: it is a couple of
 * metadata operations, and it lets startWorker spawn (and expose the pid) before returning.
 */
export function openAttemptLog(
  logsDir: string,
  taskId: string,
  header: string,
): { path: string; fd: number; stream: WriteStream } {
  mkdirSync(logsDir, { recursive: true });
  const name = `${taskId}.log`;
  const path = join(logsDir, name);
  if (existsSync(path)) {
    let highest = 0;
    const prefix = `${name}.`;
    for (const entry of readdirSync(logsDir)) {
      if (!entry.startsWith(prefix)) continue;
      const n = entry.slice(prefix.length);
      if (/^[1-9]\d*$/.test(n)) highest = Math.max(highest, Number(n));
    }
    renameSync(path, `${path}.${highest + 1}`);
  }
  // Opened here, not by the stream, so an unwritable log is reported before anything is spawned.
  // 'wx': a racing writer of the same log is an error, not an interleaved file.
  const fd = openSync(path, 'wx');
  try {
    writeSync(fd, header);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  const stream = createWriteStream(path, { fd, highWaterMark: 256 * 1024 });
  return { path, fd, stream };
}
