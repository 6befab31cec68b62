/**
 * @program-nova/notify: tells people what a run does. Takes plain event objects (shaped by the
 * caller from the orchestrator's events) and hands them to hooks (argv commands, event JSON on
 * stdin), webhooks (signed JSON POSTs) and desktop notifications, never blocking the caller.
 */
export { appleScriptString, createDesktopSink, DESKTOP_EVENTS, desktopCommand } from './desktop.js';
export { NotifyError, type NotifyErrorCode } from './errors.js';
export {
  ANY_EVENT,
  checkEventName,
  NOTIFY_EVENTS,
  type NotifyEventType,
} from './events.js';
export {
  checkHooks,
  createHookSink,
  DEFAULT_HOOK_TIMEOUT_MS,
  type Hook,
  type HookSinkOptions,
  type HookSpec,
  hookValues,
} from './hooks.js';
export { createNotifier, type Notifier, type NotifierOptions } from './notifier.js';
export { eventText } from './text.js';
export type * from './types.js';
export {
  checkWebhooks,
  createWebhookSink,
  signBody,
  type Webhook,
  type WebhookSinkOptions,
  type WebhookSpec,
  webhookLabel,
} from './webhooks.js';
