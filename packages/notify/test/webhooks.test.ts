/** Webhooks against a real HTTP server on 127.0.0.1: signatures, retries, give-up, overflow. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookSink } from '../src/index.js';
import { event, warnings } from './helpers.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A receiver; `answer` decides each response from the requests seen so far. */
async function receiver(
  answer: (seen: Received[], res: ServerResponse) => unknown,
): Promise<{ url: string; seen: Received[] }> {
  const seen: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
    });
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      void answer(seen, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/nova?key=secret-in-query`, seen };
}

/** What a receiver does to check a delivery: HMAC of the raw body, compared in constant time. */
function verify(secret: string, r: Received): boolean {
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`,
  );
  const got = Buffer.from(String(r.headers['x-nova-signature']));
  return got.length === expected.length && timingSafeEqual(got, expected);
}

const FAST = { backoffMs: 10 };

describe('webhooks', () => {
  it('POSTs each event as signed JSON with a text line', async () => {
    const r = await receiver((_s, res) => res.end('ok'));
    const w = warnings();
    const sink = createWebhookSink({
      webhooks: [{ url: r.url, secret: 's3cret', events: ['task:failed', 'run:finished'] }],
      onWarning: w.push,
    });
    const failed = event('task:failed', { id: 'API-03', name: 'Add auth', error: 'exit 1' });
    sink.send(event('task:started', { id: 'API-03' }));
    sink.send(failed);
    sink.send(event('run:finished', { ok: false, outcome: 'failed', summary: {} }));
    await sink.flush(30_000);
    expect(w.list).toEqual([]);
    expect(r.seen.map((x) => x.headers['x-nova-event'])).toEqual(['task:failed', 'run:finished']);
    const first = r.seen[0]!;
    expect(first.headers['content-type']).toBe('application/json');
    expect(JSON.parse(first.body)).toEqual({
      ...failed,
      text: '❌ API-03 Add auth failed: exit 1 (todo-api)',
    });
    expect(r.seen.every((x) => verify('s3cret', x))).toBe(true);
    expect(verify('another secret', first)).toBe(false);
    expect(first.headers['x-nova-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.seen[1]!.headers['x-nova-delivery']).not.toBe(first.headers['x-nova-delivery']);
  });

  it('no secret: no signature header', async () => {
    const r = await receiver((_s, res) => res.end());
    const sink = createWebhookSink({ webhooks: [{ url: r.url }], onWarning: () => {} });
    sink.send(event('run:started'));
    await sink.flush(30_000);
    expect(r.seen).toHaveLength(1);
    expect(r.seen[0]!.headers['x-nova-signature']).toBeUndefined();
  });

  it('a 500 is retried: the same delivery, the same signature, delivered on the second try', async () => {
    const r = await receiver((seen, res) => {
      res.statusCode = seen.length === 1 ? 500 : 200;
      res.end();
    });
    const w = warnings();
    const sink = createWebhookSink({
      webhooks: [{ url: r.url, secret: 'k' }],
      onWarning: w.push,
      ...FAST,
    });
    sink.send(event('task:failed', { id: 'A1' }));
    await sink.flush(30_000);
    expect(w.list).toEqual([]);
    expect(r.seen).toHaveLength(2);
    const [a, b] = r.seen;
    expect(b!.headers['x-nova-delivery']).toBe(a!.headers['x-nova-delivery']);
    expect(b!.body).toBe(a!.body);
    expect(verify('k', b!)).toBe(true);
  });

  it('a 429 waits for Retry-After; another 4xx is not retried and is one WEBHOOK_FAILED without the secret parts of the URL', async () => {
    const r = await receiver((seen, res) => {
      if (seen.length === 1) {
        res.writeHead(429, { 'retry-after': '0' }).end();
      } else {
        res.writeHead(404).end();
      }
    });
    const w = warnings();
    const sink = createWebhookSink({ webhooks: [{ url: r.url }], onWarning: w.push, ...FAST });
    sink.send(event('task:failed', { id: 'A1' }));
    await sink.flush(30_000);
    expect(r.seen).toHaveLength(2);
    const port = new URL(r.url).port;
    expect(w.list).toEqual([
      {
        code: 'WEBHOOK_FAILED',
        message: `webhook http://127.0.0.1:${port}/hooks/…: task:failed A1 not delivered: answered 404 Not Found`,
      },
    ]);
  });

  it('a receiver that stays down: each event given up after its attempts, the next still tried', async () => {
    const r = await receiver((_s, res) => {
      res.writeHead(503).end();
    });
    const w = warnings();
    const sink = createWebhookSink({
      webhooks: [{ url: r.url }],
      onWarning: w.push,
      attempts: 3,
      ...FAST,
    });
    sink.send(event('task:failed', { id: 'A1' }));
    sink.send(event('task:failed', { id: 'A2' }));
    await sink.flush(30_000);
    expect(r.seen.map((x) => JSON.parse(x.body).id)).toEqual(['A1', 'A1', 'A1', 'A2', 'A2', 'A2']);
    expect(w.list.map((x) => x.message.replace(/:\d+\//, ':PORT/'))).toEqual([
      'webhook http://127.0.0.1:PORT/hooks/…: task:failed A1 not delivered after 3 attempts: answered 503 Service Unavailable',
      'webhook http://127.0.0.1:PORT/hooks/…: task:failed A2 not delivered after 3 attempts: answered 503 Service Unavailable',
    ]);
  });

  it('nobody listening: network errors are retried, then WEBHOOK_FAILED', async () => {
    const r = await receiver((_s, res) => res.end());
    const url = r.url;
    const s = servers.pop()!;
    await new Promise((done) => s.close(done));
    const w = warnings();
    const sink = createWebhookSink({
      webhooks: [{ url }],
      onWarning: w.push,
      attempts: 2,
      ...FAST,
    });
    sink.send(event('run:started'));
    await sink.flush(30_000);
    expect(w.list).toEqual([
      {
        code: 'WEBHOOK_FAILED',
        message: expect.stringMatching(
          /^webhook http:\/\/127\.0\.0\.1:\d+\/hooks\/…: run:started not delivered after 2 attempts: ECONNREFUSED$/,
        ),
      },
    ]);
  });

  it('a full queue drops the oldest events with one warning; the newest are delivered in order', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const r = await receiver(async (seen, res) => {
      if (seen.length === 1) await held;
      res.end();
    });
    const w = warnings();
    const sink = createWebhookSink({
      webhooks: [{ url: r.url }],
      onWarning: w.push,
      queueLimit: 3,
    });
    for (let i = 1; i <= 8; i++) sink.send(event('task:started', { id: `T${i}` }));
    // T1 is at the receiver (held); T2..T8 went through a queue of 3.
    while (r.seen.length === 0) await new Promise((done) => setTimeout(done, 10));
    release();
    await sink.flush(30_000);
    expect(r.seen.map((x) => JSON.parse(x.body).id)).toEqual(['T1', 'T6', 'T7', 'T8']);
    expect(w.list).toEqual([
      {
        code: 'WEBHOOK_DROPPED',
        message: expect.stringMatching(/is too far behind: its oldest queued events are dropped$/),
      },
    ]);
  });

  it('flush gives up after its limit on a receiver that does not answer', async () => {
    const r = await receiver(() => {});
    const w = warnings();
    const sink = createWebhookSink({ webhooks: [{ url: r.url }], onWarning: w.push });
    sink.send(event('run:finished'));
    while (r.seen.length === 0) await new Promise((done) => setTimeout(done, 10));
    await sink.flush(100);
    expect(w.list).toEqual([
      {
        code: 'WEBHOOK_FAILED',
        message: '1 webhook delivery not made 100ms after the run ended: dropped',
      },
    ]);
  });
});
