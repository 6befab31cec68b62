/**
 * The notification part of `nova run`'s settings: hooks, webhooks and desktop notifications from
 * `nova.config.json` and the `--on`, `--webhook`, `--notify` and `--hook-timeout` flags.
 */
import {
  checkHooks,
  checkWebhooks,
  type HookSpec,
  NOTIFY_EVENTS,
  NotifyError,
  type WebhookSpec,
} from '@program-nova/notify';
import { parseTimeout } from '@program-nova/parser';
import { CliError } from '../core/cli-error.js';
import { type OptionValues, str } from '../core/command.js';
import type { NovaConfig } from '../core/config.js';

export interface NotifySettings {
  hooks: HookSpec[];
  webhooks: WebhookSpec[];
  desktop: boolean;
  /** Per hook run and the wait for hooks at the end; undefined: the notify default (30 s). */
  hookTimeoutMs: number | undefined;
}

/** `--on event=template` flags as hooks. */
function onFlags(values: OptionValues, command: string): HookSpec[] {
  const flags = (values.on as string[] | undefined) ?? [];
  return flags.map((flag) => {
    const eq = flag.indexOf('=');
    if (eq <= 0) {
      throw new CliError(
        'E_USAGE',
        `--on must be <event>=<command>, e.g. 'task:failed=notify-me {id}', got "${flag}" (events: ${NOTIFY_EVENTS.join(', ')}, *)`,
        { command },
      );
    }
    return { event: flag.slice(0, eq).trim(), command: flag.slice(eq + 1) };
  });
}

/**
 * Hooks (config, then --on flags: flags add), webhooks (config, then --webhook; a webhook with no
 * secret of its own takes NOVA_WEBHOOK_SECRET) and desktop notifications.
 */
export function notifySettings(
  values: OptionValues,
  config: NovaConfig,
  env: NodeJS.ProcessEnv,
  command: string,
): NotifySettings {
  const flagHooks = onFlags(values, command);
  const flagWebhooks: WebhookSpec[] = ((values.webhook as string[] | undefined) ?? []).map(
    (url) => ({ url }),
  );
  try {
    checkHooks(flagHooks, '--on');
    checkWebhooks(flagWebhooks, '--webhook');
  } catch (error) {
    if (error instanceof NotifyError) {
      throw new CliError('E_USAGE', error.message, { command, cause: error });
    }
    throw error;
  }
  const secret = env.NOVA_WEBHOOK_SECRET ? env.NOVA_WEBHOOK_SECRET : undefined;
  const webhooks = [...(config.webhooks ?? []), ...flagWebhooks].map((w) =>
    w.secret === undefined && secret !== undefined ? { ...w, secret } : w,
  );
  const timeoutText = str(values, 'hook-timeout') ?? config.hookTimeout;
  let hookTimeoutMs: number | undefined;
  if (timeoutText !== undefined) {
    const read = parseTimeout(String(timeoutText));
    if (!read.ok || read.value === undefined || read.value === null || read.value <= 0) {
      throw new CliError(
        'E_USAGE',
        `--hook-timeout must be a duration such as 10s or 2m, got "${timeoutText}"`,
        { command },
      );
    }
    hookTimeoutMs = read.value;
  }
  return {
    hooks: [...(config.hooks ?? []), ...flagHooks],
    webhooks,
    desktop: values.notify === true || config.notify === true,
    hookTimeoutMs,
  };
}
