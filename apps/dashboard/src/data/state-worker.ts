/// <reference lib="webworker" />
// The page's worker: polls the state feed, merges the changes and derives counts and rollups off
// the main thread, which on a 5,000-task plan would otherwise stall the page for tens of
// milliseconds per poll. It posts each feed document it applied (small, except a whole state)
// with the snapshot's facts; the page applies the same document to its own copy of the state.
import { type PollSnapshot, StatePoller } from './poller.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

declare const self: DedicatedWorkerGlobalScope;

let poller: StatePoller | null = null;

// A whole state goes as its text (copying a string is cheap; cloning 5,000 task objects is not),
// and first, so the page parses it while this worker derives the rollups.
const send = (message: FromWorker) => self.postMessage(message);
const postWhole = (text: string) => send({ type: 'whole', text });
const post = (snapshot: PollSnapshot, doc: unknown) => {
  const { state: _state, ...facts } = snapshot;
  const whole = (doc as { full?: unknown } | null)?.full === true;
  send({ type: 'snapshot', facts, doc: whole ? 'whole' : doc });
};

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'start':
      poller?.stop();
      poller = new StatePoller({
        url: message.url,
        intervalMs: message.intervalMs,
        onChange: post,
        onWhole: postWhole,
      });
      poller.setVisible(message.visible);
      void poller.start();
      break;
    case 'visible':
      poller?.setVisible(message.visible);
      break;
    case 'resync':
      poller?.resync();
      break;
    case 'stop':
      poller?.stop();
      poller = null;
      break;
  }
};
