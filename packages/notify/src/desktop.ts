/**
 * Desktop notifications for what a person at the machine wants to know without watching: a task
 * failed for good, the run paused, the run ended. notify-send on Linux, osascript on macOS, both
 * as argv (no shell).
 */
import { runProcess } from './run-process.js';
import { drainWithin, SerialQueue } from './serial-queue.js';
import { desktopText } from './text.js';
import type { NotifyEvent, Sink, WarningListener } from './types.js';

/** The events that raise a desktop notification. */
export const DESKTOP_EVENTS: readonly string[] = ['task:failed', 'run:paused', 'run:finished'];

const DESKTOP_TIMEOUT_MS = 10_000;

/**
 * An AppleScript string literal: backslashes and double quotes escaped, line breaks and other
 * control characters turned into spaces (a notification is one line anyway).
 */
export function appleScriptString(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return `"${flat.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The argv that shows a notification on `platform`, or null where Nova knows no way. */
export function desktopCommand(
  platform: NodeJS.Platform,
  title: string,
  body: string,
): string[] | null {
  if (platform === 'darwin') {
    return [
      'osascript',
      '-e',
      `display notification ${appleScriptString(body)} with title ${appleScriptString(title)}`,
    ];
  }
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') {
    // `--`: a body starting with '-' is text, not an option.
    return ['notify-send', '--', title, body];
  }
  return null;
}

export interface DesktopSinkOptions {
  onWarning: WarningListener;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv | undefined;
}

export function createDesktopSink(options: DesktopSinkOptions): Sink {
  const platform = options.platform ?? process.platform;
  const warn = options.onWarning;
  let off = false;
  const unavailable = (why: string) => {
    if (off) return;
    off = true;
    warn({ code: 'NOTIFY_UNAVAILABLE', message: `desktop notifications are off: ${why}` });
  };
  const queue = new SerialQueue<NotifyEvent>({
    limit: 100,
    onDrop: () => {},
    async handle(event, signal) {
      if (off) return;
      const { title, body } = desktopText(event);
      const argv = desktopCommand(platform, title, body);
      if (argv === null) return unavailable(`no notifier known on ${platform}`);
      const r = await runProcess(argv, {
        stdin: null,
        timeoutMs: DESKTOP_TIMEOUT_MS,
        env: options.env,
        signal,
      });
      if (r.spawnError?.code === 'ENOENT') {
        return unavailable(`${argv[0]} is not installed (or not on PATH)`);
      }
      if (r.spawnError || r.timedOut || r.code !== 0) {
        if (signal.aborted) return;
        const how = r.spawnError
          ? r.spawnError.message
          : r.timedOut
            ? 'it did not finish'
            : `exited with code ${r.code ?? r.signal}`;
        warn({ code: 'NOTIFY_FAILED', message: `desktop notification (${argv[0]}): ${how}` });
      }
    },
  });
  return {
    send(event) {
      if (!off && DESKTOP_EVENTS.includes(event.type)) queue.push(event);
    },
    async flush(withinMs, signal) {
      await drainWithin([queue], withinMs, signal);
    },
  };
}
