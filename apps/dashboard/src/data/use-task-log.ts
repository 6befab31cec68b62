import {
  createTranscriptParser,
  type TranscriptEntry,
  type TranscriptParser,
} from '@program-nova/transcript';
import { useEffect, useRef, useState } from 'react';

/** The most of a log the page reads at first (the server's cap for one answer). */
const FIRST_READ_BYTES = 1024 * 1024;

export type TaskLog =
  | { kind: 'loading' }
  | { kind: 'none' }
  | { kind: 'error'; message: string }
  | {
      kind: 'ok';
      /** Every line read so far, as transcript entries (in order). */
      entries: TranscriptEntry[];
      /** Bytes at the start of the file that were not read (a long log is read from its end). */
      skipped: number;
      /** The file's size at the last read. */
      size: number;
      /** Earlier attempts' logs beside the current one. */
      earlier: number;
      /** Grows with every read that added entries (for effects that follow the end). */
      revision: number;
      /** Why the last read failed (what was read stays shown), or undefined. */
      problem?: string;
    };

/** What has been read of one log; it outlives a change of `live`, so a finishing task keeps its place. */
interface Reading {
  id: string;
  attempt: number | null;
  parser: TranscriptParser;
  entries: TranscriptEntry[];
  /** Offset of the next byte to ask for; null before the first read. */
  offset: number | null;
  skipped: number;
  revision: number;
  /** The parser was told the log ended (its last line may have no newline). */
  ended: boolean;
}

function freshReading(id: string, attempt: number | null): Reading {
  return {
    id,
    attempt,
    parser: createTranscriptParser(),
    entries: [],
    offset: null,
    skipped: 0,
    revision: 0,
    ended: false,
  };
}

/**
 * A task's log read as a transcript. The first read takes the last MiB (from the first whole line
 * in it); while `live`, every `intervalMs` it asks only for the bytes after those it has, and feeds
 * them to the same incremental parser, so a growing log is never read or parsed twice. When the
 * task stops running, one last read takes what remains. A log that shrank or was replaced (a new
 * attempt) is read again from its start. `attempt` selects an earlier attempt's log
 * (`<id>.log.<n>`), which no longer changes.
 */
export function useTaskLog(
  id: string,
  attempt: number | null,
  live: boolean,
  intervalMs = 2000,
  fetchFn?: typeof fetch,
): TaskLog {
  const [log, setLog] = useState<TaskLog>({ kind: 'loading' });
  const reading = useRef<Reading | null>(null);
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let r = reading.current;
    if (r === null || r.id !== id || r.attempt !== attempt) {
      r = freshReading(id, attempt);
      reading.current = r;
      setLog({ kind: 'loading' });
    }
    const s = r;
    const base = `./logs/${encodeURIComponent(id)}?${attempt === null ? '' : `attempt=${attempt}&`}`;

    // A failed read keeps what was read on screen (the server may just be gone), saying why.
    const failed = (message: string) =>
      setLog((previous) =>
        previous.kind === 'ok' ? { ...previous, problem: message } : { kind: 'error', message },
      );

    const load = async () => {
      try {
        const res = await (fetchFn ?? fetch)(
          s.offset === null ? `${base}tail=${FIRST_READ_BYTES}` : `${base}from=${s.offset}`,
          { cache: 'no-store' },
        );
        if (cancelled) return;
        if (res.status === 404) {
          Object.assign(s, freshReading(id, attempt));
          setLog({ kind: 'none' });
        } else if (!res.ok) {
          failed(`HTTP ${res.status}`);
        } else {
          let bytes = new Uint8Array(await res.arrayBuffer());
          if (cancelled) return;
          const start = Number(res.headers.get('X-Log-Start') ?? 0);
          const size = Number(res.headers.get('X-Log-Size') ?? bytes.length);
          const end = start + bytes.length;
          if (s.offset === null || start !== s.offset) {
            // A first read, or the log shrank or was replaced (a new attempt): read it as new.
            Object.assign(s, freshReading(id, attempt), { revision: s.revision + 1 });
            s.skipped = start;
            if (start > 0) {
              // Begin at a whole line: the bytes before the first newline belong to a cut line.
              const nl = bytes.indexOf(0x0a);
              const drop = nl === -1 ? bytes.length : nl + 1;
              s.skipped += drop;
              bytes = bytes.subarray(drop);
            }
          }
          s.offset = end;
          const added = s.parser.push(bytes);
          // A finished log may end without a newline: its last line is complete too.
          if (!live && !s.ended) {
            added.push(...s.parser.end());
            s.ended = true;
          }
          if (added.length > 0) {
            s.entries = s.entries.concat(added);
            s.revision++;
          }
          setLog({
            kind: 'ok',
            entries: s.entries,
            skipped: s.skipped,
            size,
            earlier: Number(res.headers.get('X-Log-Earlier') ?? 0),
            revision: s.revision,
          });
        }
      } catch (error) {
        if (!cancelled) failed((error as Error).message);
      }
      if (!cancelled && live) timer = setTimeout(load, intervalMs);
    };
    void load();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [id, attempt, live, intervalMs, fetchFn]);
  return log;
}
