import { open, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { isTaskId, logFileName } from '@program-nova/core';

const DEFAULT_TAIL_BYTES = 64 * 1024;
const MAX_TAIL_BYTES = 1024 * 1024;

export type LogTail =
  | { kind: 'ok'; text: Buffer; size: number; truncated: boolean; etag: string }
  | { kind: 'not_found' };

/**
 * The last `maxBytes` of `<logsDir>/<id>.log`. The path is built from the ID alone and, after
 * resolving symlinks, must still lie inside the (resolved) logs folder; anything else is "not found".
 */
export async function readLogTail(logsDir: string, id: string, maxBytes: number): Promise<LogTail> {
  if (!isTaskId(id)) return { kind: 'not_found' };
  let root: string;
  let file: string;
  try {
    root = await realpath(logsDir);
    file = await realpath(join(logsDir, logFileName(id)));
  } catch {
    return { kind: 'not_found' };
  }
  if (!file.startsWith(root + sep)) return { kind: 'not_found' };
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch {
    return { kind: 'not_found' };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { kind: 'not_found' };
    const size = stat.size;
    const start = Math.max(0, size - maxBytes);
    const length = size - start;
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(buffer, read, length - read, start + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    let text = buffer.subarray(0, read);
    if (start > 0) {
      // Do not start in the middle of a UTF-8 sequence: skip continuation bytes.
      let skip = 0;
      while (skip < text.length && skip < 4 && (text[skip]! & 0xc0) === 0x80) skip++;
      text = text.subarray(skip);
    }
    const etag = `"${stat.ino}-${size}-${Math.trunc(stat.mtimeMs)}-${maxBytes}"`;
    return { kind: 'ok', text, size, truncated: start > 0, etag };
  } finally {
    await handle.close();
  }
}

/** `?tail=N` (bytes), clamped; the default keeps a refreshing page light. */
export function tailBytesFrom(query: URLSearchParams): number {
  const raw = query.get('tail');
  if (raw === null || !/^\d+$/.test(raw)) return DEFAULT_TAIL_BYTES;
  return Math.min(Math.max(Number(raw), 1), MAX_TAIL_BYTES);
}
