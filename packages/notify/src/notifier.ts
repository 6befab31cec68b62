/**
 * The notifier a run talks to: one `send` per event, fanned out to the hooks, the webhooks and
 * the desktop sink that were asked for; one bounded `flush` at the end.
 */
import { createDesktopSink } from './desktop.js';
import { checkHooks, createHookSink, DEFAULT_HOOK_TIMEOUT_MS, type HookSpec } from './hooks.js';
import type { NotifyEvent, Sink, WarningListener } from './types.js';
import {
  checkWebhooks,
  createWebhookSink,
  WEBHOOK_TIMEOUT_MS,
  type WebhookSpec,
} from './webhooks.js';

export interface NotifierOptions {
  hooks?: readonly HookSpec[];
  webhooks?: readonly WebhookSpec[];
  /** Desktop notifications (default false). */
  desktop?: boolean;
  /** Per hook run, and the longest wait for hooks at the end (default 30 s). */
  hookTimeoutMs?: number | undefined;
  /** The longest wait for webhook deliveries at the end (default 10 s). */
  webhookFlushMs?: number;
  /** Working directory and environment of hook commands (default this process's). */
  cwd?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  onWarning: WarningListener;
}

export interface Notifier {
  /** Hands the event to every sink; returns at once, never throws. */
  send(event: NotifyEvent): void;
  /**
   * Waits for queued work (hooks at most hookTimeoutMs, webhooks at most webhookFlushMs); an
   * aborted `signal` (the user's Ctrl-C) ends the wait at once, stopping running hooks' process
   * groups, so none outlives the caller.
   */
  flush(options?: { signal?: AbortSignal }): Promise<void>;
  readonly hookCount: number;
  readonly webhookCount: number;
  readonly desktop: boolean;
}

/** Throws NotifyError for a bad hook or webhook, before anything runs. */
export function createNotifier(options: NotifierOptions): Notifier {
  const hooks = checkHooks(options.hooks ?? []);
  const webhooks = checkWebhooks(options.webhooks ?? []);
  const hookTimeoutMs = options.hookTimeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  const webhookFlushMs = options.webhookFlushMs ?? WEBHOOK_TIMEOUT_MS;
  const warn = options.onWarning;
  const sinks: { sink: Sink; flushMs: number }[] = [];
  if (hooks.length > 0) {
    sinks.push({
      sink: createHookSink({
        hooks,
        timeoutMs: hookTimeoutMs,
        onWarning: warn,
        cwd: options.cwd,
        env: options.env,
      }),
      flushMs: hookTimeoutMs,
    });
  }
  if (webhooks.length > 0) {
    sinks.push({ sink: createWebhookSink({ webhooks, onWarning: warn }), flushMs: webhookFlushMs });
  }
  if (options.desktop === true) {
    sinks.push({
      sink: createDesktopSink({ onWarning: warn, env: options.env }),
      flushMs: hookTimeoutMs,
    });
  }
  return {
    send(event) {
      for (const { sink } of sinks) sink.send(event);
    },
    async flush({ signal } = {}) {
      await Promise.all(sinks.map(({ sink, flushMs }) => sink.flush(flushMs, signal)));
    },
    hookCount: hooks.length,
    webhookCount: webhooks.length,
    desktop: options.desktop === true,
  };
}
