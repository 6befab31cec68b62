/**
 * Webhooks: each event POSTed as JSON (with a one-line `text` for chat tools) to each URL that
 * asked for it, signed with HMAC-SHA256 when a secret is set. One queue per URL: deliveries to a
 * receiver happen one at a time in event order; a receiver that is down is retried with backoff,
 * then given up on for that event, and never holds up the run.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { formatDuration, oneLine } from '@program-nova/core';
import { NotifyError } from './errors.js';
import { checkEventName, eventLabel, eventMatches } from './events.js';
import { drainEnd, drainWithin, once, SerialQueue } from './serial-queue.js';
import { eventText } from './text.js';
import type { NotifyEvent, Sink, WarningListener } from './types.js';

export interface WebhookSpec {
  url: string;
  /** Event names (or `*`); default every event. */
  events?: readonly string[] | undefined;
  /** HMAC-SHA256 key for the X-Nova-Signature header. */
  secret?: string | undefined;
}

/** A checked webhook. */
export interface Webhook {
  url: URL;
  events: readonly string[] | undefined;
  secret: string | undefined;
  /** The URL as messages show it: no credentials, no query, at most the first path segment. */
  label: string;
}

export const WEBHOOK_TIMEOUT_MS = 10_000;
export const WEBHOOK_ATTEMPTS = 4;
export const WEBHOOK_BACKOFF_MS = 500;
/** The longest Retry-After honoured; a longer one waits this long. */
export const WEBHOOK_MAX_RETRY_AFTER_MS = 30_000;
export const WEBHOOK_QUEUE_LIMIT = 1000;

/**
 * Where a URL points, safe to print: a chat webhook's URL is its secret (Slack keeps it in the
 * path), so credentials, query and every path segment past the first are left out.
 */
export function webhookLabel(url: URL): string {
  const segments = url.pathname.split('/').filter(Boolean);
  const path = segments.length === 0 ? '' : `/${segments[0]}${segments.length > 1 ? '/…' : ''}`;
  return `${url.protocol}//${url.host}${path}`;
}

/** Checks URLs (http or https), event names and secrets. Throws E_INVALID_WEBHOOK / E_UNKNOWN_EVENT. */
export function checkWebhooks(specs: readonly WebhookSpec[], where = 'webhooks'): Webhook[] {
  return specs.map((spec) => {
    let url: URL;
    try {
      url = new URL(spec.url);
    } catch (error) {
      throw new NotifyError('E_INVALID_WEBHOOK', `${where}: "${spec.url}" is not a URL`, {
        cause: error,
      });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new NotifyError(
        'E_INVALID_WEBHOOK',
        `${where}: a ${url.protocol.slice(0, -1)} URL cannot be a webhook (http or https only)`,
      );
    }
    if (spec.secret !== undefined && (typeof spec.secret !== 'string' || spec.secret === '')) {
      throw new NotifyError('E_INVALID_WEBHOOK', `${where}: the secret must be a non-empty string`);
    }
    const events = spec.events?.map((e) => checkEventName(e, where));
    return { url, events, secret: spec.secret, label: webhookLabel(url) };
  });
}

/** `sha256=<hex>`: the X-Nova-Signature of a body. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookSinkOptions {
  webhooks: readonly (Webhook | WebhookSpec)[];
  onWarning: WarningListener;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Tries per event, the first included (default 4). */
  attempts?: number;
  /** Wait before the first retry, doubled for each next one (default 500 ms). */
  backoffMs?: number;
  maxRetryAfterMs?: number;
  queueLimit?: number;
  /** For tests; default the global fetch. */
  fetch?: typeof fetch;
}

interface Delivery {
  event: NotifyEvent;
  body: string;
  id: string;
}

const isWebhook = (w: Webhook | WebhookSpec): w is Webhook => w.url instanceof URL;

/** Retry-After (seconds or an HTTP date) in ms, or null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  const s = header?.trim();
  if (!s) return null;
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const at = Date.parse(s);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function createWebhookSink(options: WebhookSinkOptions): Sink {
  const webhooks = options.webhooks.map((w) => (isWebhook(w) ? w : checkWebhooks([w])[0]!));
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const attempts = Math.max(1, options.attempts ?? WEBHOOK_ATTEMPTS);
  const backoffMs = options.backoffMs ?? WEBHOOK_BACKOFF_MS;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? WEBHOOK_MAX_RETRY_AFTER_MS;
  const warn = options.onWarning;

  /** One POST; what to do next: done, retry (after at least `waitMs`), or give up saying why. */
  async function post(
    hook: Webhook,
    d: Delivery,
    signal: AbortSignal,
  ): Promise<{ next: 'done' } | { next: 'retry' | 'give-up'; why: string; waitMs?: number }> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'program-nova-notify',
      'x-nova-event': d.event.type,
      'x-nova-delivery': d.id,
    };
    if (hook.secret !== undefined) headers['x-nova-signature'] = signBody(hook.secret, d.body);
    let response: Response;
    try {
      response = await doFetch(hook.url, {
        method: 'POST',
        headers,
        body: d.body,
        // A redirected POST would become a GET elsewhere: a receiver must be named exactly.
        redirect: 'manual',
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
    } catch (error) {
      const e = error as Error & {
        cause?: { code?: string; message?: string; errors?: { code?: string }[] };
      };
      // fetch says only "fetch failed"; the socket's reason is in its cause.
      const why =
        e.name === 'TimeoutError'
          ? `no answer within ${formatDuration(timeoutMs)}`
          : (e.cause?.code ??
            e.cause?.errors?.[0]?.code ??
            oneLine(e.cause?.message ?? e.message, 120));
      return { next: 'retry', why };
    }
    // The body is not needed; reading it frees the connection for the next delivery.
    await response.arrayBuffer().catch(() => {});
    if (response.status >= 200 && response.status < 300) return { next: 'done' };
    const why = `answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    if (response.status === 429 || response.status >= 500) {
      const after = retryAfterMs(response.headers.get('retry-after'));
      return {
        next: 'retry',
        why,
        ...(after !== null ? { waitMs: Math.min(after, maxRetryAfterMs) } : {}),
      };
    }
    return { next: 'give-up', why };
  }

  const queues = webhooks.map((hook) => {
    const queue = new SerialQueue<Delivery>({
      limit: options.queueLimit ?? WEBHOOK_QUEUE_LIMIT,
      onDrop: once(() =>
        warn({
          code: 'WEBHOOK_DROPPED',
          message: `webhook ${hook.label} is too far behind: its oldest queued events are dropped`,
        }),
      ),
      async handle(d, signal) {
        const about = `webhook ${hook.label}: ${eventLabel(d.event)}`;
        for (let attempt = 1; ; attempt++) {
          const r = await post(hook, d, signal);
          if (r.next === 'done' || signal.aborted) return;
          if (r.next === 'give-up') {
            warn({ code: 'WEBHOOK_FAILED', message: `${about} not delivered: ${r.why}` });
            return;
          }
          if (attempt >= attempts) {
            warn({
              code: 'WEBHOOK_FAILED',
              message: `${about} not delivered after ${attempts} attempts: ${r.why}`,
            });
            return;
          }
          // Resolves early (and quietly) when the queue is stopped.
          await delay(Math.max(r.waitMs ?? 0, backoffMs * 2 ** (attempt - 1)), undefined, {
            signal,
          }).catch(() => {});
          if (signal.aborted) return;
        }
      },
    });
    return { hook, queue };
  });

  return {
    send(event) {
      let body: string | undefined;
      for (const { hook, queue } of queues) {
        if (!eventMatches(hook.events, event)) continue;
        body ??= JSON.stringify({ ...event, text: eventText(event) });
        queue.push({ event, body, id: randomUUID() });
      }
    },
    async flush(withinMs, signal) {
      const stopped = await drainWithin(
        queues.map((q) => q.queue),
        withinMs,
        signal,
      );
      if (stopped > 0) {
        warn({
          code: 'WEBHOOK_FAILED',
          message: `${stopped} webhook deliver${stopped > 1 ? 'ies' : 'y'} not made ${drainEnd(withinMs, signal)}: dropped`,
        });
      }
    },
  };
}
