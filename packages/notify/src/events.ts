import { editDistance } from '@program-nova/core';
import { NotifyError } from './errors.js';
import type { NotifyEvent } from './types.js';

/**
 * The events a notifier can be asked for, in the order a run emits them. The orchestrator's
 * high-frequency events (token counts, journal writes) are not here on purpose: one per second per
 * task is no notification. A new orchestrator event becomes available to hooks and webhooks by
 * adding its name here.
 */
export const NOTIFY_EVENTS = [
  'run:started',
  'task:started',
  'task:completed',
  'task:failed',
  'task:retrying',
  'task:interrupted',
  'task:blocked',
  'milestone',
  'run:paused',
  'run:resumed',
  'warning',
  'run:finished',
] as const;

export type NotifyEventType = (typeof NOTIFY_EVENTS)[number];

/** Matches every event in a hook's or a webhook's event list. */
export const ANY_EVENT = '*';

const KNOWN: ReadonlySet<string> = new Set<string>(NOTIFY_EVENTS);

/**
 * Returns `name` when it is an event name (or `*`); throws E_UNKNOWN_EVENT naming it, with the
 * closest known name when one is near. `where` says where the name was written (a flag, a file).
 */
export function checkEventName(name: string, where: string): string {
  if (name === ANY_EVENT || KNOWN.has(name)) return name;
  let best: string | null = null;
  let bestDistance = 3;
  for (const known of NOTIFY_EVENTS) {
    const d = editDistance(name.toLowerCase(), known, bestDistance);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  const hint = best ? ` (did you mean "${best}"?)` : ` (events: ${NOTIFY_EVENTS.join(', ')}, *)`;
  throw new NotifyError('E_UNKNOWN_EVENT', `${where}: unknown event "${name}"${hint}`);
}

/** Whether an event list (undefined: all) takes `event`. */
export function eventMatches(events: readonly string[] | undefined, event: NotifyEvent): boolean {
  return events === undefined || events.some((e) => e === ANY_EVENT || e === event.type);
}

/** The field as text ('' when absent): placeholders and lines read events through this. */
export function field(event: NotifyEvent, name: string): string {
  const v = event[name];
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

/** `task:failed A1`: the event as warnings name it (the type alone when it has no id). */
export function eventLabel(event: NotifyEvent): string {
  return event.id ? `${event.type} ${field(event, 'id')}` : event.type;
}
