/**
 * Events as words for people: the one line a webhook carries as `text` (Slack and the like show it
 * as it is) and the title and body of a desktop notification.
 */
import {
  firstLine,
  formatCost,
  formatDuration,
  formatPauseDetail,
  oneLine,
  reasonLine,
} from '@program-nova/core';
import { field } from './events.js';
import type { NotifyEvent } from './types.js';

const MAX_REASON = 200;

/** `API-03 Add auth`, or the id alone. */
function taskLabel(event: NotifyEvent): string {
  const id = field(event, 'id');
  const name = field(event, 'name');
  return name ? `${id} ${oneLine(name, 80)}` : id;
}

const reason = (text: string) => oneLine(firstLine(text), MAX_REASON);
/** A failure's reason without the worker's `Task <id>: ` prefix: the task is named before it. */
const failure = (event: NotifyEvent) =>
  oneLine(reasonLine(field(event, 'id'), field(event, 'error')), MAX_REASON);

function summaryCounts(event: NotifyEvent): { total: number; failed: number; blocked: number } {
  const s = (event.summary ?? {}) as Record<string, unknown>;
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  return { total: n(s.totalTasks), failed: n(s.failed), blocked: n(s.blocked) };
}

/** What happened, without the project (eventText and the desktop body add it). */
function describe(event: NotifyEvent): { icon: string; line: string } {
  const task = taskLabel(event);
  switch (event.type) {
    case 'run:started':
      return { icon: '🚀', line: event.resumed === true ? 'Run resumed' : 'Run started' };
    case 'task:started': {
      const attempt = Number(event.attempt);
      return { icon: '▶️', line: `${task} started${attempt > 1 ? ` (attempt ${attempt})` : ''}` };
    }
    case 'task:completed':
      return {
        icon: '✅',
        line: `${task} completed in ${formatDuration(Number(event.durationMs))}, ${formatCost(
          typeof event.costUsd === 'number' ? event.costUsd : null,
        )}`,
      };
    case 'task:failed': {
      const blocks = Array.isArray(event.blocks) ? event.blocks.length : 0;
      const also = blocks > 0 ? `; ${blocks} task${blocks > 1 ? 's' : ''} blocked` : '';
      return { icon: '❌', line: `${task} failed: ${failure(event)}${also}` };
    }
    case 'task:retrying':
      return {
        icon: '🔁',
        line: `${task} will retry in ${formatDuration(Number(event.delayMs))}: ${failure(event)}`,
      };
    case 'task:interrupted':
      return { icon: '⏹️', line: `${task} stopped: ${reason(field(event, 'reason'))}` };
    case 'task:blocked': {
      const by = Array.isArray(event.blockedBy) ? event.blockedBy.join(', ') : '';
      return { icon: '⛔', line: `${task} blocked by ${by}` };
    }
    case 'milestone': {
      const message = field(event, 'message');
      return {
        icon: '🏁',
        line: `Milestone ${oneLine(field(event, 'name'), 80)}${message ? `: ${reason(message)}` : ''}`,
      };
    }
    case 'run:paused':
      return {
        icon: '⏸️',
        line: `Run paused ${formatPauseDetail({ until: field(event, 'until'), reason: reason(field(event, 'reason')) })}`,
      };
    case 'run:resumed':
      return { icon: '▶️', line: 'Run resumed: new tasks start again' };
    case 'warning':
      return { icon: '⚠️', line: `Warning: ${reason(field(event, 'message'))}` };
    case 'run:finished': {
      const c = summaryCounts(event);
      if (event.ok === true)
        return { icon: '🎉', line: `Run done: all ${c.total} tasks completed` };
      const outcome = field(event, 'outcome') || 'failed';
      return {
        icon: '🛑',
        line: `Run ended (${outcome}): ${c.failed} failed, ${c.blocked} blocked`,
      };
    }
    default:
      return { icon: 'ℹ️', line: task ? `${event.type} ${task}` : event.type };
  }
}

/** One line for people, e.g. `❌ API-03 Add auth failed: exited with code 1 (todo-api)`. */
export function eventText(event: NotifyEvent): string {
  const { icon, line } = describe(event);
  return `${icon} ${line} (${oneLine(event.run.project, 80)})`;
}

/** Title and body of a desktop notification. */
export function desktopText(event: NotifyEvent): { title: string; body: string } {
  const project = oneLine(event.run.project, 80);
  switch (event.type) {
    case 'task:failed':
      return {
        title: `Nova: ${field(event, 'id')} failed`,
        body: `${taskLabel(event)}: ${failure(event)} (${project})`,
      };
    case 'run:paused':
      return { title: `Nova: ${project} paused`, body: describe(event).line };
    case 'run:finished':
      return {
        title: `Nova: ${project} ${event.ok === true ? 'done' : 'finished'}`,
        body: describe(event).line,
      };
    default:
      return { title: `Nova: ${project}`, body: describe(event).line };
  }
}
