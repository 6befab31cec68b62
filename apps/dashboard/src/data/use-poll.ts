import { useEffect, useState } from 'react';
import { INITIAL_SNAPSHOT, type PollSnapshot } from './poller.js';
import { createStateSource, type SourceOptions, takePreloadedSource } from './state-source.js';

export function usePolledState(options: SourceOptions = {}): PollSnapshot {
  const [snapshot, setSnapshot] = useState<PollSnapshot>({ ...INITIAL_SNAPSHOT });
  const { url, intervalMs, fetch: fetchFn, doc } = options;
  useEffect(() => {
    const defaults = url === undefined && intervalMs === undefined && !fetchFn && !doc;
    const source =
      (defaults ? takePreloadedSource(setSnapshot) : null) ??
      createStateSource({ url, intervalMs, fetch: fetchFn, doc }, setSnapshot);
    return () => source.stop();
  }, [url, intervalMs, fetchFn, doc]);
  return snapshot;
}
