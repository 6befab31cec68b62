import { useEffect, useState } from 'react';

export type LogTailState =
  | { kind: 'loading' }
  | { kind: 'ok'; text: string; truncated: boolean; size: number }
  | { kind: 'none' }
  | { kind: 'error'; message: string };

const TAIL_BYTES = 64 * 1024;

/**
 * The tail of a task's log from `/logs/<id>`; refreshed every `intervalMs` while `live` (the task
 * runs), with If-None-Match so an unchanged log costs no body.
 */
export function useLogTail(
  id: string,
  live: boolean,
  intervalMs = 2000,
  fetchFn: typeof fetch = fetch,
) {
  const [tail, setTail] = useState<LogTailState>({ kind: 'loading' });
  useEffect(() => {
    let cancelled = false;
    let etag: string | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    setTail({ kind: 'loading' });
    const load = async () => {
      try {
        const res = await fetchFn(`./logs/${encodeURIComponent(id)}?tail=${TAIL_BYTES}`, {
          cache: 'no-store',
          headers: etag ? { 'If-None-Match': etag } : {},
        });
        if (cancelled) return;
        if (res.status === 304) {
          // unchanged
        } else if (res.status === 404) {
          etag = null;
          setTail({ kind: 'none' });
        } else if (!res.ok) {
          setTail({ kind: 'error', message: `HTTP ${res.status}` });
        } else {
          const text = await res.text();
          if (cancelled) return;
          etag = res.headers.get('ETag');
          setTail({
            kind: 'ok',
            text,
            truncated: res.headers.get('X-Log-Truncated') === '1',
            size: Number(res.headers.get('X-Log-Size') ?? text.length),
          });
        }
      } catch (error) {
        if (!cancelled) setTail({ kind: 'error', message: (error as Error).message });
      }
      if (!cancelled && live) timer = setTimeout(load, intervalMs);
    };
    void load();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [id, live, intervalMs, fetchFn]);
  return tail;
}
