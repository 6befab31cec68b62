/**
 * The two views over a stand-in for the orchestrator (its events and a real state), drawing on the
 * strict VirtualTerminal: any control character or foreign escape sequence that reached it would
 * throw, and a frame line that wrapped would be counted.
 */
import { EventEmitter } from 'node:events';
import { formatPause } from '@program-nova/core';
import { parseCascade } from '@program-nova/parser';
import { type CascadeState, createState } from '@program-nova/state';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VirtualTerminal } from '../../../test/virtual-terminal.js';
import { createColors } from '../../core/colors.js';
import { columnWidth } from '../../core/terminal-columns.js';
import type { RunSource, RunView } from './base-view.js';
import { LiveView } from './live-view.js';
import { PlainView } from './plain-view.js';

/** Every kind of terminal trickery: OSC 0 title, OSC 8 link, CSI clear, C1 CSI, bare CR, RLO. */
const HOSTILE =
  '\u001b]0;pwned\u0007 \u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\ \u001b[2J\u001b[H \u009b31m \rover \u202eevil';

const plan = (name: string) => `# Project

## L1: Branch

### L2: Group

| Task ID | Task Name | What Changes | Depends On |
| ------- | --------- | ------------ | ---------- |
| A1      | ${name} | first  | - |
| A2      | 日本語のとても長いタスク名です🚀🚀 | second | - |
| A3      | 👩‍💻 e\u0301e\u0301 ok | third  | A1 |
`;

class Source extends EventEmitter {
  constructor(readonly state: CascadeState) {
    super();
  }
}

function source(name = 'Name'): Source {
  // The parser rejects a bare CR in a table cell (it ends the row): the state can still hold one.
  const state = createState(parseCascade(plan(name)));
  state.project.name = `Project ${HOSTILE}`;
  state.graph.tasks.A1!.name = `${name} ${HOSTILE}`;
  return new Source(state);
}

function start(src: Source, id: string, step: string | null) {
  const task = src.state.tasks[id]!;
  task.status = 'in_progress';
  task.current_step = step;
  src.emit('task:started', { id, attempt: 1, workerId: 'w', pid: 1, logPath: null });
}

function everyEvent(src: Source) {
  start(src, 'A1', `Bash: echo ${HOSTILE}`);
  start(src, 'A2', '🚀 Edit: 日本語のファイル名.ts with a long tail of text that goes on');
  src.state.tasks.A1!.log_path = `logs/A1${HOSTILE}.log`;
  src.emit('task:retrying', {
    id: 'A1',
    attempt: 1,
    error: `Task A1: agent exited with code 1: ${HOSTILE}`,
    kind: 'agent_error',
    retryAt: '',
    delayMs: 1000,
    countsAsAttempt: true,
  });
  src.emit('task:failed', {
    id: 'A1',
    attempt: 2,
    error: `Task A1: agent exited with code 1: ${HOSTILE}\nLast lines of stderr:\n  ${HOSTILE}`,
    kind: 'agent_error',
    exitCode: 1,
    blocks: ['A3'],
  });
  src.emit('task:blocked', { id: 'A3', blockedBy: ['A1'] });
  src.emit('milestone', { id: 'm', name: `M ${HOSTILE}`, message: `msg ${HOSTILE}`, at: '' });
  src.emit('run:paused', { until: `later ${HOSTILE}`, reason: `limit ${HOSTILE}`, task: 'A1' });
  src.emit('warning', { code: 'W', message: `warn ${HOSTILE}` });
  src.emit('task:interrupted', { id: 'A2', reason: `interrupted ${HOSTILE}` });
}

const views: RunView[] = [];
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  for (const v of views.splice(0)) v.stop();
  vi.useRealTimers();
});

function liveView(src: Source, term: VirtualTerminal, colour = true): LiveView {
  const c = createColors(colour);
  const view = new LiveView(src as unknown as RunSource, term, term, c, c);
  views.push(view);
  return view;
}

describe('LiveView', () => {
  it('shows hostile text from the plan, the state and the agent visibly, never running it', () => {
    const term = new VirtualTerminal(200, 40);
    const src = source();
    const view = liveView(src, term);
    start(src, 'A1', `Bash: echo ${HOSTILE}`);
    vi.advanceTimersByTime(600);
    const frame = term.transcript.join('\n');
    expect(frame).toContain('Project \\x1b]0;pwned\\x07');
    expect(frame).toContain('Bash: echo \\x1b]0;pwned\\x07');
    everyEvent(src);
    vi.advanceTimersByTime(600);
    view.stop();
    const text = term.transcript.join('\n');
    for (const shown of [
      'failed    A1 Name \\x1b]0;pwned',
      'agent exited with code 1: \\x1b]0;pwned\\x07',
      '(log: logs/A1\\x1b]0;pwned',
      'milestone M \\x1b]0;pwned\\x07',
      ': msg \\x1b]0;pwned',
      'paused    until later \\x1b]0;pwned',
      'warning: warn \\x1b]0;pwned',
      '\\x1b]8;;https://evil.example\\x1b\\link',
      '\\x9b31m \\rover \\u202eevil',
    ]) {
      expect(text).toContain(shown);
    }
    // The only sequences written are Nova's own (VirtualTerminal throws on anything else).
    expect(term.written).not.toMatch(/\u001b\]|\u009b|\u202e|\u0007|\r/);
  });

  it('wide characters and emoji in names and steps: no frame line wraps or exceeds the columns', () => {
    for (const columns of [24, 41, 80]) {
      const term = new VirtualTerminal(columns, 30);
      const src = source('漢字のタスク🚀🚀🚀🚀🚀');
      liveView(src, term);
      everyEvent(src);
      start(src, 'A3', '👩‍💻👩‍💻 Read: ファイル.ts');
      vi.advanceTimersByTime(1200);
      // Permanent lines may wrap (they are never redrawn); from here on only the block is drawn.
      const wraps = term.wraps;
      const before = term.transcript.length;
      vi.advanceTimersByTime(5000);
      expect(term.wraps, `${columns} columns`).toBe(wraps);
      // Ten redraws in place: not one line more on screen, the header there once.
      expect(term.transcript).toHaveLength(before);
      expect(term.transcript.filter((l) => l.startsWith('Project'))).toHaveLength(1);
      const block = term.transcript.slice(
        term.transcript.findIndex((l) => l.startsWith('Project')),
      );
      expect(block.some((l) => l.includes('👩‍💻'))).toBe(true);
      for (const line of block) expect(columnWidth(line)).toBeLessThan(columns);
    }
  });

  it('redraws in place: ticking frames leave one block on screen under the permanent lines', () => {
    const term = new VirtualTerminal(80, 30);
    const src = source();
    const view = liveView(src, term, false);
    start(src, 'A2', null);
    for (let i = 0; i < 10; i++) vi.advanceTimersByTime(500);
    src.emit('milestone', { id: 'm', name: 'Halfway', message: '', at: '' });
    for (let i = 0; i < 10; i++) vi.advanceTimersByTime(500);
    view.stop();
    const lines = term.transcript;
    expect(lines.filter((l) => l.startsWith('Project'))).toHaveLength(1);
    expect(lines[0]).toBe('milestone Halfway');
    expect(lines).toContain('  running');
    expect(lines.some((l) => /^ {4}A2 +\d/.test(l))).toBe(true);
    expect(term.cursorVisible).toBe(true);
  });
});

describe('PlainView', () => {
  it('writes one line per event with hostile text shown visibly', () => {
    const out: string[] = [];
    const err: string[] = [];
    const src = source();
    const c = createColors(false);
    const view = new PlainView(
      src as unknown as RunSource,
      { write: (t) => out.push(t) },
      { write: (t) => err.push(t) },
      c,
      c,
    );
    views.push(view);
    everyEvent(src);
    const text = out.join('') + err.join('');
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(out.join('')).toContain('failed    A1 Name \\x1b]0;pwned');
    expect(err.join('')).toContain('nova: warning: warn \\x1b]0;pwned');
    // One line per event: no newline from the text split a line.
    expect(out.join('').split('\n').filter(Boolean)).toHaveLength(8);
  });

  it('says a pause in the words of `nova status` (formatPause), and its end', () => {
    const out: string[] = [];
    const src = source();
    const c = createColors(false);
    const view = new PlainView(
      src as unknown as RunSource,
      { write: (t) => out.push(t) },
      { write: () => {} },
      c,
      c,
    );
    views.push(view);
    const now = new Date(2026, 11, 6, 13, 53, 0);
    vi.setSystemTime(now);
    const pause = {
      until: new Date(2026, 11, 6, 14, 5, 0).toISOString(),
      reason: 'usage limit reported by A1',
      task: 'A1',
    };
    src.emit('run:paused', pause);
    src.emit('run:resumed', { at: pause.until });
    expect(out.join('').split('\n').filter(Boolean)).toEqual([
      'paused    until 14:05 (in 12m): usage limit reported by A1',
      'resumed   the usage-limit pause is over; starting tasks again',
    ]);
    expect(`Paused ${out[0]!.slice('paused    '.length)}`.trim()).toBe(
      formatPause(pause, now.getTime()),
    );
  });
});
