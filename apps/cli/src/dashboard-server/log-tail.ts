import { existsSync } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { earlierLogFileName, isTaskId, logFileName } from '@program-nova/core';

const DEFAULT_TAIL_BYTES = 64 * 1024;
const MAX_READ_BYTES = 1024 * 1024;
/** Earlier attempts probed at most (Nova numbers them without gaps, so probing stops at the first gap). */
const MAX_EARLIER = 1000;

/** Which bytes of a log a request wants. */
export type LogRange =
  /** The last `bytes` (the page's first look, `nova logs`-like). */
  | { kind: 'tail'; bytes: number }
  /** From byte `offset` on, at most 1 MiB (a page following a growing log). */
  | { kind: 'from'; offset: number };

export type LogRead =
  | {
      kind: 'ok';
      text: Buffer;
      /** Size of the file when read. */
      size: number;
      /** Offset in the file of the first byte of `text`. */
      start: number;
      truncated: boolean;
      etag: string;
      /** How many earlier attempts' logs (`<id>.log.1` ...) exist beside it. */
      earlier: number;
    }
  | { kind: 'not_found' };

/**
 * The path of a task's log (`attempt` null: the current one, n: `<id>.log.<n>`), or null when it is
 * not a file inside the logs folder. The path is built from the ID alone and, after resolving
 * symlinks, must still lie inside the (resolved) logs folder; anything else is "not found".
 */
export async function resolveLogFile(
  logsDir: string,
  id: string,
  attempt: number | null,
): Promise<string | null> {
  if (!isTaskId(id)) return null;
  try {
    const root = await realpath(logsDir);
    const name = attempt === null ? logFileName(id) : earlierLogFileName(id, attempt);
    const file = await realpath(join(logsDir, name));
    return file.startsWith(root + sep) ? file : null;
  } catch {
    return null;
  }
}

/** Earlier attempts' logs of `id` (they are named `<id>.log.1`, `.2`, ... without gaps). */
export function countEarlierLogs(logsDir: string, id: string): number {
  let n = 0;
  while (n < MAX_EARLIER && existsSync(join(logsDir, earlierLogFileName(id, n + 1)))) n++;
  return n;
}

/** Reads the wanted bytes of a task's log (see resolveLogFile for what is served). */
export async function readLog(
  logsDir: string,
  id: string,
  attempt: number | null,
  range: LogRange,
): Promise<LogRead> {
  const file = await resolveLogFile(logsDir, id, attempt);
  if (file === null) return { kind: 'not_found' };
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
    // An offset past the end means the log was replaced (a new attempt): start again from 0.
    const start =
      range.kind === 'tail'
        ? Math.max(0, size - range.bytes)
        : range.offset <= size
          ? range.offset
          : 0;
    const length = Math.min(size - start, MAX_READ_BYTES);
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(buffer, read, length - read, start + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    let text = buffer.subarray(0, read);
    let first = start;
    if (range.kind === 'tail' && start > 0) {
      // Do not start in the middle of a UTF-8 sequence: skip continuation bytes.
      let skip = 0;
      while (skip < text.length && skip < 4 && (text[skip]! & 0xc0) === 0x80) skip++;
      text = text.subarray(skip);
      first += skip;
    }
    const rangeKey = range.kind === 'tail' ? `t${range.bytes}` : `f${range.offset}`;
    return {
      kind: 'ok',
      text,
      size,
      start: first,
      truncated: first > 0,
      etag: `"${stat.ino}-${size}-${Math.trunc(stat.mtimeMs)}-${rangeKey}"`,
      earlier: countEarlierLogs(logsDir, id),
    };
  } finally {
    await handle.close();
  }
}

/** `?tail=N` (bytes, clamped; the default keeps a refreshing page light) or `?from=N`. */
export function logRangeFrom(query: URLSearchParams): LogRange {
  const from = query.get('from');
  if (from !== null && /^\d{1,15}$/.test(from)) return { kind: 'from', offset: Number(from) };
  const raw = query.get('tail');
  if (raw === null || !/^\d{1,15}$/.test(raw)) return { kind: 'tail', bytes: DEFAULT_TAIL_BYTES };
  return { kind: 'tail', bytes: Math.min(Math.max(Number(raw), 1), MAX_READ_BYTES) };
}

/** `?attempt=N` (N >= 1: the log of an earlier attempt), null for the current log; undefined: invalid. */
export function attemptFrom(query: URLSearchParams): number | null | undefined {
  const raw = query.get('attempt');
  if (raw === null) return null;
  if (!/^[1-9]\d{0,5}$/.test(raw)) return undefined;
  return Number(raw);
}
