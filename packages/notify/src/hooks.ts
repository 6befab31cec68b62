/**
 * Hooks: a command per event name, run without a shell with the event as one line of JSON on
 * stdin and placeholders substituted in its argv. Each hook has its own queue: its runs happen one
 * at a time in event order; different hooks run side by side.
 */
import {
  expandTemplate,
  formatDuration,
  oneLine,
  splitCommand,
  type TemplateValues,
  tailLines,
} from '@program-nova/core';
import { NotifyError } from './errors.js';
import { checkEventName, eventLabel, eventMatches, field } from './events.js';
import { runProcess } from './run-process.js';
import { drainEnd, drainWithin, once, SerialQueue } from './serial-queue.js';
import type { NotifyEvent, Sink, WarningListener } from './types.js';

/** A hook as written: an event name (or `*`) and a command string or argv template. */
export interface HookSpec {
  event: string;
  command: string | readonly string[];
}

/** A checked hook: the argv template it runs. */
export interface Hook {
  event: string;
  argv: readonly string[];
}

export const DEFAULT_HOOK_TIMEOUT_MS = 30_000;
/** Events a hook may fall behind by before the oldest are dropped. */
export const HOOK_QUEUE_LIMIT = 1000;

/**
 * Checks hooks (event names, commands) and splits command strings into argv templates. Throws
 * E_UNKNOWN_EVENT or E_INVALID_HOOK; `where` names the setting in messages.
 */
export function checkHooks(specs: readonly HookSpec[], where = 'hooks'): Hook[] {
  return specs.map((spec) => {
    const event = checkEventName(spec.event, where);
    let argv: string[];
    try {
      argv = typeof spec.command === 'string' ? splitCommand(spec.command) : [...spec.command];
    } catch (error) {
      throw new NotifyError(
        'E_INVALID_HOOK',
        `${where}: the command for "${event}" has an ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (argv.length === 0 || argv[0] === '' || argv.some((a) => typeof a !== 'string')) {
      throw new NotifyError('E_INVALID_HOOK', `${where}: the command for "${event}" is empty`);
    }
    return { event, argv };
  });
}

/** The placeholders a hook's argv may use. */
export function hookValues(event: NotifyEvent): TemplateValues {
  return {
    event: event.type,
    id: field(event, 'id'),
    name: field(event, 'name'),
    status: field(event, 'status'),
    error: field(event, 'error'),
    project: event.run.project,
    state: event.run.state,
  };
}

export interface HookSinkOptions {
  hooks: readonly (Hook | HookSpec)[];
  /** A run longer than this is stopped (default 30 s). */
  timeoutMs?: number;
  cwd?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  onWarning: WarningListener;
  queueLimit?: number;
}

const isHook = (h: Hook | HookSpec): h is Hook => 'argv' in h;

export function createHookSink(options: HookSinkOptions): Sink {
  const hooks = options.hooks.map((h) => (isHook(h) ? h : checkHooks([h])[0]!));
  const timeoutMs = options.timeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  const warn = options.onWarning;
  const queues = hooks.map((hook) => {
    const shown = oneLine(hook.argv.join(' '), 80);
    return {
      hook,
      queue: new SerialQueue<NotifyEvent>({
        limit: options.queueLimit ?? HOOK_QUEUE_LIMIT,
        onDrop: once(() =>
          warn({
            code: 'HOOK_DROPPED',
            message: `hook '${shown}' is too far behind: its oldest queued events are dropped`,
          }),
        ),
        async handle(event, signal) {
          const about = `hook '${shown}' for ${eventLabel(event)}`;
          const r = await runProcess(expandTemplate(hook.argv, hookValues(event)), {
            stdin: `${JSON.stringify(event)}\n`,
            timeoutMs,
            cwd: options.cwd,
            env: options.env,
            signal,
          });
          if (r.spawnError) {
            const reason =
              r.spawnError.code === 'ENOENT' ? 'command not found' : r.spawnError.message;
            warn({ code: 'HOOK_FAILED', message: `${about}: could not start: ${reason}` });
          } else if (r.timedOut) {
            if (signal.aborted) return; // counted by flush's own warning
            warn({
              code: 'HOOK_TIMEOUT',
              message: `${about}: still running after ${formatDuration(timeoutMs)}: stopped`,
            });
          } else if (r.code !== 0) {
            const how =
              r.code === null ? `was killed by ${r.signal}` : `exited with code ${r.code}`;
            const said = tailLines(r.stderr, 1, 200);
            warn({
              code: 'HOOK_FAILED',
              message: `${about}: ${how}${said ? `: ${oneLine(said, 200)}` : ''}`,
            });
          }
        },
      }),
    };
  });

  return {
    send(event) {
      for (const { hook, queue } of queues) {
        if (eventMatches([hook.event], event)) queue.push(event);
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
          code: 'HOOK_TIMEOUT',
          message: `${stopped} hook run${stopped > 1 ? 's' : ''} not finished ${drainEnd(withinMs, signal)}: stopped`,
        });
      }
    },
  };
}
