/**
 * `nova run`'s notifications: the orchestrator's events shaped into the notify package's plain
 * events (the package knows no orchestrator), handed to the hooks, webhooks and desktop
 * notifications the settings ask for.
 */

import {
  createNotifier,
  NOTIFY_EVENTS,
  type Notifier,
  type NotifyEvent,
  type NotifyRun,
  type WarningListener,
} from '@program-nova/notify';
import type { Orchestrator, OrchestratorEvents, RunResult } from '@program-nova/orchestrator';
import { plural } from '../render/plan-text.js';
import type { NotifySettings } from './notify-settings.js';

/**
 * What is forwarded: every event the notify package names. Typed as orchestrator event names so
 * that a name the orchestrator does not emit fails to compile here.
 */
const FORWARDED: readonly (keyof OrchestratorEvents)[] = NOTIFY_EVENTS;

type Source = Pick<Orchestrator, 'on' | 'state'>;

/** The fields every sink sees; `type`, `at` and `run` are the notifier's own and never overridden. */
export function toNotifyEvent(
  type: string,
  payload: unknown,
  state: Source['state'],
  run: NotifyRun,
  at = new Date().toISOString(),
): NotifyEvent {
  if (type === 'run:finished') {
    const r = payload as RunResult;
    return {
      type,
      at,
      run,
      status: r.outcome,
      outcome: r.outcome,
      ok: r.ok,
      summary: r.summary,
      costUsd: r.costUsd,
      ...(r.signal ? { signal: r.signal } : {}),
      // An Error does not survive JSON: its message does.
      ...(r.error ? { error: r.error.message } : {}),
      ...(r.resultBranch ? { resultBranch: r.resultBranch } : {}),
      ...(r.resultError ? { resultError: r.resultError } : {}),
    };
  }
  const fields: Record<string, unknown> =
    typeof payload === 'object' && payload !== null ? { ...payload } : {};
  delete fields.type;
  delete fields.at;
  delete fields.run;
  const id = fields.id;
  // Task events name the task and its status now; the state holds both, the payload neither.
  if (type.startsWith('task:') && typeof id === 'string') {
    const task = state.graph.tasks[id];
    const status = state.tasks[id]?.status;
    return {
      type,
      at,
      run,
      id,
      ...(task ? { name: task.name } : {}),
      ...(status ? { status } : {}),
      ...fields,
    };
  }
  return { type, at, run, ...fields };
}

/**
 * Subscribes a notifier to the orchestrator (before init(), so start-up warnings reach it too).
 * Null when nothing is asked for. Throws the notify package's NotifyError for bad settings.
 */
export function openRunNotifier(
  orchestrator: Source,
  settings: NotifySettings | undefined,
  run: NotifyRun,
  options: { cwd: string; env: NodeJS.ProcessEnv; onWarning: WarningListener },
): Notifier | null {
  if (
    settings === undefined ||
    (settings.hooks.length === 0 && settings.webhooks.length === 0 && !settings.desktop)
  ) {
    return null;
  }
  const notifier = createNotifier({
    hooks: settings.hooks,
    webhooks: settings.webhooks,
    desktop: settings.desktop,
    hookTimeoutMs: settings.hookTimeoutMs,
    cwd: options.cwd,
    env: options.env,
    onWarning: options.onWarning,
  });
  for (const type of FORWARDED) {
    orchestrator.on(type, (payload: unknown) => {
      notifier.send(toNotifyEvent(type, payload, orchestrator.state, run));
    });
  }
  return notifier;
}

/** `2 hooks, 1 webhook, desktop notifications`. */
export function notifierLine(n: Notifier): string {
  const parts: string[] = [];
  if (n.hookCount > 0) parts.push(plural(n.hookCount, 'hook'));
  if (n.webhookCount > 0) parts.push(plural(n.webhookCount, 'webhook'));
  if (n.desktop) parts.push('desktop notifications');
  return `Notifications: ${parts.join(', ')}`;
}

/**
 * The bounded end-of-run wait for hooks and webhooks. The run's own signal handling is gone by
 * then, so a Ctrl-C here would kill nova and leave a running hook (its own process group) behind:
 * instead it cuts the wait short, which stops the hooks' groups before nova exits.
 */
export async function flushNotifier(notifier: Notifier | null): Promise<void> {
  if (!notifier) return;
  const stop = new AbortController();
  const cut = () => stop.abort();
  process.on('SIGINT', cut);
  process.on('SIGTERM', cut);
  try {
    await notifier.flush({ signal: stop.signal });
  } finally {
    process.off('SIGINT', cut);
    process.off('SIGTERM', cut);
  }
}
