import { describe, expect, it } from 'vitest';
import { failedRun, fakeServer, plan } from '../../test/fixtures.js';
import { type PollSnapshot, StatePoller } from './poller.js';

function fakeDoc() {
  const listeners = new Set<() => void>();
  return {
    visibilityState: 'visible' as DocumentVisibilityState,
    addEventListener: (_: string, fn: () => void) => listeners.add(fn),
    removeEventListener: (_: string, fn: () => void) => listeners.delete(fn),
    set(state: DocumentVisibilityState) {
      this.visibilityState = state;
      for (const fn of listeners) fn();
    },
  };
}

function poller(server: ReturnType<typeof fakeServer>, doc = fakeDoc()) {
  const seen: PollSnapshot[] = [];
  const p = new StatePoller({
    fetch: server.fetch,
    doc: doc as unknown as Document,
    intervalMs: 3_600_000, // the tests poll by hand
    onChange: (s) => seen.push(s),
  });
  return { p, seen, doc };
}

describe('StatePoller', () => {
  it('sends If-None-Match after the first answer and keeps the state on 304', async () => {
    const server = fakeServer(plan());
    const { p } = poller(server);
    await p.start();
    await p.poll();
    const state = p.current.state;
    expect(state?.project.name).toBe('Demo Project');
    await p.poll();
    expect(server.calls.map((c) => c.status)).toEqual([200, 304, 304]);
    expect(server.calls[1]!.ifNoneMatch).toBe('"v1"');
    expect(p.current.state).toBe(state);
    p.stop();
  });

  it('says the state file is missing, then picks it up once written', async () => {
    const server = fakeServer(null);
    const { p } = poller(server);
    await p.start();
    expect(p.current.state).toBeNull();
    expect(p.current.problem?.kind).toBe('missing');
    server.setState(failedRun());
    await p.poll();
    expect(p.current.problem).toBeNull();
    expect(p.current.state?.tasks.F2?.status).toBe('failed');
    p.stop();
  });

  it('keeps the last good state when the file becomes unreadable, naming the error', async () => {
    const server = fakeServer(plan());
    const { p } = poller(server);
    await p.start();
    const good = p.current.state;
    server.setRaw('{"schema_version": 1, "project": ');
    await p.poll();
    expect(p.current.state).toBe(good);
    expect(p.current.problem?.kind).toBe('unreadable');
    expect(p.current.problem?.message).toContain('STATE_CORRUPT');
    server.setRaw(JSON.stringify({ ...plan(), schema_version: 99 }));
    await p.poll();
    expect(p.current.problem?.message).toContain('STATE_SCHEMA');
    server.failOnce(new TypeError('Failed to fetch'));
    await p.poll();
    expect(p.current.problem?.kind).toBe('offline');
    expect(p.current.state).toBe(good);
    p.stop();
  });

  it('does not poll while the tab is hidden, and polls at once when it shows again', async () => {
    const server = fakeServer(plan());
    const doc = fakeDoc();
    doc.visibilityState = 'hidden';
    const { p } = poller(server, doc);
    await p.start();
    expect(p.current.paused).toBe(true);
    await p.poll();
    expect(server.calls).toHaveLength(0);
    doc.set('visible');
    expect(p.current.paused).toBe(false);
    await new Promise<void>((resolve) => {
      const check = () => (server.calls.length > 0 ? resolve() : setTimeout(check, 5));
      check();
    });
    expect(server.calls).toHaveLength(1);
    p.stop();
  });
});
