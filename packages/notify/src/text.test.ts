import { describe, expect, it } from 'vitest';
import { event } from '../test/helpers.js';
import { appleScriptString, desktopCommand } from './desktop.js';
import { desktopText, eventText } from './text.js';

describe('eventText', () => {
  it('says each event in one line with the project', () => {
    expect(
      eventText(
        event('task:failed', {
          id: 'API-03',
          name: 'Add auth',
          error: 'Task API-03: exit 1\nmore detail',
          blocks: [],
        }),
      ),
    ).toBe('❌ API-03 Add auth failed: exit 1 (todo-api)');
    expect(eventText(event('task:blocked', { id: 'API-04', blockedBy: ['API-03'] }))).toBe(
      '⛔ API-04 blocked by API-03 (todo-api)',
    );
    expect(
      eventText(
        event('run:finished', {
          ok: false,
          outcome: 'failed',
          summary: { totalTasks: 5, failed: 1, blocked: 2 },
        }),
      ),
    ).toBe('🛑 Run ended (failed): 1 failed, 2 blocked (todo-api)');
    expect(eventText(event('run:finished', { ok: true, summary: { totalTasks: 5 } }))).toBe(
      '🎉 Run done: all 5 tasks completed (todo-api)',
    );
    expect(eventText(event('run:resumed'))).toBe('▶️ Run resumed: new tasks start again (todo-api)');
    // A type this version does not know still gets a line, never an error.
    expect(eventText(event('run:someday'))).toBe('ℹ️ run:someday (todo-api)');
    const until = new Date(Date.now() + 12 * 60_000).toISOString();
    expect(
      eventText(event('run:paused', { until, reason: 'usage limit reported by API-03' })),
    ).toMatch(
      /^⏸️ Run paused until \d\d:\d\d(:\d\d)? \(in 1[12]m( \d+s)?\): usage limit reported by API-03 \(todo-api\)$/,
    );
  });

  it('desktop text: a title and a body', () => {
    expect(
      desktopText(event('task:failed', { id: 'A2', name: 'Parser', error: 'exit 1' })),
    ).toEqual({
      title: 'Nova: A2 failed',
      body: 'A2 Parser: exit 1 (todo-api)',
    });
  });
});

describe('desktop commands', () => {
  it('AppleScript strings escape backslashes and quotes and flatten control characters', () => {
    expect(appleScriptString('say "hi" \\ "bye"\nnow\x07')).toBe(
      '"say \\"hi\\" \\\\ \\"bye\\" now "',
    );
  });

  it('osascript on macOS, notify-send on Linux, none elsewhere; always argv', () => {
    expect(desktopCommand('darwin', 'Nova: "x"', 'b')).toEqual([
      'osascript',
      '-e',
      'display notification "b" with title "Nova: \\"x\\""',
    ]);
    expect(desktopCommand('linux', 'Nova: x', '-b; rm -rf /')).toEqual([
      'notify-send',
      '--',
      'Nova: x',
      '-b; rm -rf /',
    ]);
    expect(desktopCommand('win32', 't', 'b')).toBeNull();
  });
});
