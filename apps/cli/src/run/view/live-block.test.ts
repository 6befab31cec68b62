import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualTerminal, withoutColour } from '../../../test/virtual-terminal.js';
import { createColors } from '../../core/colors.js';
import { clipColumns, columnWidth } from '../../core/terminal-columns.js';
import { HIDE_CURSOR, LiveBlock, SHOW_CURSOR } from './live-block.js';

const c = createColors(true);
const blocks: LiveBlock[] = [];
const open = (out: VirtualTerminal) => {
  const block = new LiveBlock(out);
  blocks.push(block);
  return block;
};
afterEach(() => {
  for (const b of blocks.splice(0)) b.close();
});

describe('LiveBlock', () => {
  it('redraws in place: the screen holds the last frame only', () => {
    const term = new VirtualTerminal(40, 10);
    const block = open(term);
    block.draw(['one', 'two', 'three']);
    block.draw(['uno', 'dos']);
    block.draw([c.bold('eins'), c.red('zwei'), 'drei', 'vier']);
    expect(term.transcript).toEqual(['eins', 'zwei', 'drei', 'vier']);
    expect(term.wraps).toBe(0);
  });

  it('prints permanent lines above the block, in order', () => {
    const term = new VirtualTerminal(40, 10);
    const block = open(term);
    block.draw(['frame 1', 'running A']);
    block.above('failed A', ['frame 2', 'running B']);
    block.above('milestone M', ['frame 3']);
    block.draw(['frame 4', 'done']);
    expect(term.transcript).toEqual(['failed A', 'milestone M', 'frame 4', 'done']);
  });

  it('clips every frame line by columns: wide characters and emoji never wrap', () => {
    const term = new VirtualTerminal(20, 10);
    const block = open(term);
    const frame = [
      `${c.bold('日本語のプロジェクト名です')} [####----] 50%`,
      '    A1   1.2s  タスク名🚀🚀🚀 and more',
      '    B2   0.4s  👩‍💻👩‍💻👩‍💻👩‍💻👩‍💻👩‍💻👩‍💻👩‍💻👩‍💻👩‍💻👩‍💻',
      'e\u0301'.repeat(30),
    ];
    block.draw(frame);
    block.draw(frame);
    expect(term.wraps).toBe(0);
    expect(term.transcript).toEqual(frame.map((l) => withoutColour(clipColumns(l, 19))));
    for (const line of term.transcript) expect(columnWidth(line)).toBeLessThanOrEqual(19);
  });

  it('cuts a frame taller than the screen, so a redraw never moves above its top', () => {
    const term = new VirtualTerminal(30, 6);
    const block = open(term);
    const tall = Array.from({ length: 12 }, (_, i) => `line ${i}`);
    block.draw(tall);
    block.draw(tall);
    block.above('note', tall);
    expect(term.pastTop).toBe(0);
    expect(term.transcript).toEqual(['note', ...tall.slice(0, 5)]);
  });

  it('hides the cursor while live and shows it again on its own writer when closed', () => {
    const term = new VirtualTerminal(30, 6);
    const block = new LiveBlock(term);
    expect(term.written.startsWith(HIDE_CURSOR)).toBe(true);
    expect(term.cursorVisible).toBe(false);
    block.draw(['x']);
    block.close();
    expect(term.cursorVisible).toBe(true);
    expect(term.written.endsWith(SHOW_CURSOR)).toBe(true);
    // After close the last frame stays and later lines go below it.
    block.above('summary', ['ignored']);
    expect(term.transcript).toEqual(['x', 'summary']);
  });

  it('shows the cursor again on its own writer when the process exits while it is live', () => {
    const before = new Set(process.listeners('exit'));
    const term = new VirtualTerminal(30, 6);
    const block = open(term);
    const added = process.listeners('exit').filter((l) => !before.has(l));
    expect(added).toHaveLength(1);
    (added[0] as () => void)();
    expect(term.cursorVisible).toBe(true);
    block.close();
    // Closed: nothing is left listening.
    expect(process.listeners('exit').filter((l) => !before.has(l))).toHaveLength(0);
  });

  it('whatever the frames, columns and rows: no wrap, nothing above the top, last frame shown', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.constantFrom('日本語のタスク', '🚀 launch', '👩‍💻', 'e\u0301', c.red('failed'), '\t'),
    );
    const line = fc
      .array(text, { maxLength: 4 })
      // Text reaches a LiveBlock after terminalText: control characters but tabs are gone.
      .map((parts) => parts.join('').replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, '?'));
    const frame = fc.array(line, { maxLength: 14 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.option(line), frame), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 2, max: 60 }),
        fc.integer({ min: 2, max: 20 }),
        (steps, columns, rows) => {
          const term = new VirtualTerminal(columns, rows);
          const block = new LiveBlock(term);
          const permanent: string[] = [];
          for (const [note, lines] of steps) {
            if (note === null) block.draw(lines);
            else {
              block.above(note, lines);
              permanent.push(note);
            }
          }
          block.close();
          expect(term.pastTop).toBe(0);
          const last = steps.at(-1)![1].slice(0, rows - 1);
          const shown = last.map((l) => withoutColour(clipColumns(l, columns - 1)));
          const transcript = term.transcript;
          // The block's wraps are none; permanent lines may wrap (they are not redrawn).
          expect(transcript.slice(transcript.length - shown.length)).toEqual(
            shown.map((l) => l.replace(/\t/g, ' ')),
          );
          for (const l of shown) expect(columnWidth(l)).toBeLessThan(columns);
        },
      ),
    );
  });
});
