import type { CascadeState } from '@program-nova/state';
import { applyFeed } from './feed.js';
import { INITIAL_SNAPSHOT, type PollSnapshot, StatePoller } from './poller.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

export interface SourceOptions {
  /** The feed URL, relative to the page (default `./api/state`). */
  url?: string;
  intervalMs?: number;
  /** A fetch to poll with in the page itself (tests); without it a worker polls. */
  fetch?: typeof fetch;
  /** The document whose visibility pauses polling (injectable for tests). */
  doc?: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;
}

export interface StateSource {
  stop(): void;
}

/**
 * The page's view of the state feed. Where workers exist it runs the poller in one
 * (state-worker.ts) and applies the documents it relays to the page's own copy of the state;
 * otherwise (tests, or a fetch given) the poller runs in the page.
 */
export function createStateSource(
  options: SourceOptions,
  onChange: (snapshot: PollSnapshot) => void,
): StateSource {
  const doc = options.doc ?? (typeof document === 'undefined' ? undefined : document);
  const visible = () => doc?.visibilityState !== 'hidden';
  const base = typeof document === 'undefined' ? 'http://localhost/' : document.baseURI;
  const url = new URL(options.url ?? './api/state', base).href;
  const intervalMs = options.intervalMs ?? 2000;

  let setVisible: (v: boolean) => void;
  let stop: () => void;
  if (options.fetch === undefined && typeof Worker !== 'undefined') {
    const worker = new Worker(new URL('./state-worker.ts', import.meta.url), { type: 'module' });
    const send = (m: ToWorker) => worker.postMessage(m);
    let state: CascadeState | null = null;
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const { facts, doc: feedDoc } = event.data;
      if (feedDoc !== null) {
        try {
          state = applyFeed(state, feedDoc);
        } catch {
          send({ type: 'resync' });
          return;
        }
      }
      onChange({ ...facts, state });
    };
    send({ type: 'start', url, intervalMs, visible: visible() });
    setVisible = (v) => send({ type: 'visible', visible: v });
    stop = () => {
      send({ type: 'stop' });
      worker.terminate();
    };
  } else {
    const poller = new StatePoller({
      url,
      intervalMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      onChange: (s) => onChange(s),
    });
    poller.setVisible(visible());
    void poller.start();
    setVisible = (v) => poller.setVisible(v);
    stop = () => poller.stop();
  }
  const onVisibility = () => setVisible(visible());
  doc?.addEventListener('visibilitychange', onVisibility);
  return {
    stop() {
      doc?.removeEventListener('visibilitychange', onVisibility);
      stop();
    },
  };
}

export { INITIAL_SNAPSHOT };
