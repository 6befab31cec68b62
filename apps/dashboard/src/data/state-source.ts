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
    let whole: CascadeState | null = null;
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      try {
        if (message.type === 'whole') {
          whole = applyFeed(null, JSON.parse(message.text));
          return;
        }
        if (message.doc === 'whole') {
          if (whole === null) throw new Error('no whole state before its snapshot');
          state = whole;
          whole = null;
        } else if (message.doc !== null) {
          state = applyFeed(state, message.doc);
        }
      } catch {
        send({ type: 'resync' });
        return;
      }
      onChange({ ...message.facts, state });
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

/** A source started before the page's first render, waiting for the hook that will take it. */
interface EarlySource {
  source: StateSource;
  last: PollSnapshot | null;
  listener: ((snapshot: PollSnapshot) => void) | null;
}
let early: EarlySource | null = null;

/**
 * Starts the page's state source at once, before React renders anything, so the worker and its
 * first request start as early as they can; usePolledState takes it over.
 */
export function preloadStateSource(): void {
  if (early) return;
  const slot: EarlySource = { source: { stop() {} }, last: null, listener: null };
  early = slot;
  slot.source = createStateSource({}, (snapshot) => {
    slot.last = snapshot;
    slot.listener?.(snapshot);
  });
}

/** The preloaded source, now reporting to `onChange` (with what it already has); null if none. */
export function takePreloadedSource(
  onChange: (snapshot: PollSnapshot) => void,
): StateSource | null {
  const slot = early;
  if (!slot) return null;
  early = null;
  slot.listener = onChange;
  if (slot.last) onChange(slot.last);
  return slot.source;
}
