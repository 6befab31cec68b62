import { useEffect, useState } from 'react';
import { INITIAL_SNAPSHOT, type PollerOptions, type PollSnapshot, StatePoller } from './poller.js';

export function usePolledState(options: Omit<PollerOptions, 'onChange'> = {}): PollSnapshot {
  const [snapshot, setSnapshot] = useState<PollSnapshot>({ ...INITIAL_SNAPSHOT });
  const { url, intervalMs, fetch: fetchFn, doc } = options;
  useEffect(() => {
    const poller = new StatePoller({ url, intervalMs, fetch: fetchFn, doc, onChange: setSnapshot });
    void poller.start();
    return () => poller.stop();
  }, [url, intervalMs, fetchFn, doc]);
  return snapshot;
}
