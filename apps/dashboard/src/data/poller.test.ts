import { describe, expect, it } from 'vitest';
import { FAKE_STATE_FILE, failedRun, fakeServer, plan, runningF1 } from '../../test/fixtures.js';
import { clockOf, type PollSnapshot, StatePoller } from './poller.js';

function poller(server: ReturnType<typeof fakeServer>) {
  const seen: { snapshot: PollSnapshot; doc: unknown }[] = [];
  const p = new StatePoller({
    url: 'http://dashboard.test/api/state',
    fetch: server.fetch,
    intervalMs: 3_600_000, // the tests poll by hand
    onChange: (snapshot, doc) => seen.push({ snapshot, doc }),
  });
  return { p, seen };
}

describe('StatePoller', () => {
  it('takes the whole state first, then only what changed, and 304 while nothing did', async () => {
    const server = fakeServer(plan());
    const { p, seen } = poller(server);
    await p.start();
    const first = p.current.state!;
    expect(first.project.name).toBe('Demo Project');
    expect(p.current.derived?.summary.pending).toBe(8);
    await p.poll();
    expect(server.calls.map((c) => c.status)).toEqual([200, 304]);
    expect(server.calls[1]!.url).toBe('/api/state?since=v1');
    expect(server.calls[1]!.ifNoneMatch).toBe('"v1"');
    expect(p.current.state).toBe(first);

    server.setState(runningF1());
    await p.poll();
    const delta = JSON.parse(server.calls[2]!.body);
    expect(delta.full).toBe(false);
    expect(Object.keys(delta.tasks)).toEqual(['F1']);
    const next = p.current.state!;
    expect(next.tasks.F1!.status).toBe('in_progress');
    // What did not change keeps its identity: the graph (and all derived from it alone), other tasks.
    expect(next.graph).toBe(first.graph);
    expect(next.tasks.F2).toBe(first.tasks.F2);
    expect(p.current.derived?.summary.inProgress).toBe(1);
    expect(seen.at(-1)!.doc).toEqual(delta);
    p.stop();
  });

  it('names the state file while it is missing, then picks it up once written', async () => {
    const server = fakeServer(null);
    const { p } = poller(server);
    await p.start();
    expect(p.current.state).toBeNull();
    expect(p.current.problem?.kind).toBe('missing');
    expect(p.current.problem?.message).toContain(FAKE_STATE_FILE);
    server.setState(failedRun());
    await p.poll();
    expect(p.current.problem).toBeNull();
    expect(p.current.state?.tasks.F2?.status).toBe('failed');
    expect(p.current.derived?.blocked.sort()).toEqual(['D1', 'F3', 'X1', 'X2']);
    p.stop();
  });

  it('keeps the last good state when the file becomes unreadable, naming the code and file', async () => {
    const server = fakeServer(plan());
    const { p } = poller(server);
    await p.start();
    const good = p.current.state;
    server.setRaw('{"schema_version": 1, "project": ');
    await p.poll();
    expect(p.current.state).toBe(good);
    expect(p.current.problem?.kind).toBe('unreadable');
    expect(p.current.problem?.message).toContain('STATE_CORRUPT');
    expect(p.current.problem?.message).toContain(FAKE_STATE_FILE);
    server.setRaw(JSON.stringify({ ...plan(), schema_version: 99 }));
    await p.poll();
    expect(p.current.problem?.message).toContain('STATE_SCHEMA');
    server.failOnce(new TypeError('Failed to fetch'));
    await p.poll();
    expect(p.current.problem?.kind).toBe('offline');
    expect(p.current.state).toBe(good);
    p.stop();
  });

  it('does not poll while hidden, and polls at once when shown again', async () => {
    const server = fakeServer(plan());
    const { p } = poller(server);
    p.setVisible(false);
    await p.start();
    expect(p.current.paused).toBe(true);
    await p.poll();
    expect(server.calls).toHaveLength(0);
    p.setVisible(true);
    expect(p.current.paused).toBe(false);
    await new Promise<void>((resolve) => {
      const check = () => (server.calls.length > 0 ? resolve() : setTimeout(check, 5));
      check();
    });
    expect(server.calls).toHaveLength(1);
    p.stop();
  });

  it('stops the clock at the last contact when the server is gone, and at the last write when the run crashed', async () => {
    const state = runningF1();
    const server = fakeServer(state);
    server.setRunProcess('alive');
    const { p } = poller(server);
    await p.start();
    expect(clockOf(p.current)).toBeNull();
    const contact = p.current.lastContactAt!;
    server.failOnce(new TypeError('Failed to fetch'));
    await p.poll();
    expect(clockOf(p.current)).toBe(contact);
    expect(p.current.derived?.at).toBe(contact);
    server.setRunProcess('gone');
    await p.poll();
    expect(clockOf(p.current)).toBe(Date.parse(state.project.updated_at!));
    p.stop();
  });
});
