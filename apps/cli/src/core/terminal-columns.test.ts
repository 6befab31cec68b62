import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createColors } from './colors.js';
import { clipColumns, columnWidth, padColumns } from './terminal-columns.js';
import { terminalText } from './terminal-text.js';

const c = createColors(true);

describe('columnWidth', () => {
  it('counts terminal columns, not UTF-16 units', () => {
    expect(columnWidth('abc')).toBe(3);
    expect(columnWidth('日本語')).toBe(6);
    expect(columnWidth('🚀')).toBe(2);
    expect(columnWidth('👨‍👩‍👧')).toBe(2); // one ZWJ family
    expect(columnWidth('e\u0301')).toBe(1); // combining acute
    expect(columnWidth('\u200b')).toBe(0);
    expect(columnWidth('a\tb')).toBe(3);
  });

  it('gives colour sequences no width', () => {
    expect(columnWidth(c.red(c.bold('日本')))).toBe(4);
  });
});

describe('clipColumns', () => {
  it('leaves text that fits as it is (tabs shown as a space)', () => {
    expect(clipColumns('日本語', 6)).toBe('日本語');
    expect(clipColumns('a\tb', 3)).toBe('a b');
    expect(clipColumns(c.green('ok'), 2)).toBe(c.green('ok'));
  });

  it('cuts by columns and ends in an ellipsis', () => {
    expect(clipColumns('abcdef', 4)).toBe('abc…');
    // A wide character that would straddle the limit is left out whole.
    expect(clipColumns('日本語', 5)).toBe('日本…');
    expect(clipColumns('日本語', 4)).toBe('日…');
    expect(clipColumns('🚀🚀🚀', 4)).toBe('🚀…');
    expect(clipColumns('e\u0301e\u0301e\u0301e\u0301', 3)).toBe('e\u0301e\u0301…');
    expect(clipColumns('abc', 1)).toBe('…');
    expect(clipColumns('abc', 0)).toBe('');
  });

  it('keeps colour sequences whole and resets colour after a cut', () => {
    const line = `${c.red('failed')} ${c.dim('日本語のタスク名')}`;
    const clipped = clipColumns(line, 12);
    expect(clipped).toBe(`${c.red('failed')} \u001b[2m日本…`.replace('…', '\u001b[0m…'));
    expect(columnWidth(clipped)).toBe(12);
  });

  it('reads no further than the cut', () => {
    const huge = `${'x'.repeat(10)}${'日'.repeat(5_000_000)}`;
    expect(clipColumns(huge, 20)).toBe(`${'x'.repeat(10)}${'日'.repeat(4)}…`);
  });

  it('never exceeds the limit, and a cut result is a prefix of the text', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }).map(terminalText),
      fc.constantFrom('日本', '🚀', '👩‍💻', 'e\u0301', '\t', c.red('x'), c.bold('y')),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 8 }),
        fc.integer({ min: 1, max: 40 }),
        (parts, max) => {
          const text = parts.join('');
          const clipped = clipColumns(text, max);
          expect(columnWidth(clipped)).toBeLessThanOrEqual(max);
          if (clipped !== text.replace(/\t/g, ' ')) {
            expect(clipped.endsWith('…')).toBe(true);
            const kept = clipped.slice(0, -1).replace(/\u001b\[0m$/, '');
            expect(text.replace(/\t/g, ' ').startsWith(kept)).toBe(true);
          }
        },
      ),
    );
  });
});

/** The same cut made the plain way: the whole text segmented at once. */
function referenceClip(text: string, max: number): string {
  const plain = text.replace(/\t/g, ' ');
  if (columnWidth(plain) <= max) return plain;
  let width = 0;
  let end = 0;
  for (const { segment, index } of new Intl.Segmenter().segment(plain)) {
    width += columnWidth(segment);
    if (width > max - 1) break;
    end = index + segment.length;
  }
  return `${plain.slice(0, end)}…`;
}

describe('clipColumns on long text', () => {
  it('cuts where segmenting the whole text at once would (windows joined right)', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constantFrom('日本語', '🚀', '👩‍💻', 'e\u0301\u0302', 'ab', '\t', '\u200b'),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 3000 }),
        (parts, times, max) => {
          const text = parts.join('').repeat(times);
          expect(clipColumns(text, max)).toBe(referenceClip(text, max));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('clipColumns on a cluster longer than a window', () => {
  it('never splits a surrogate pair at the window edge', () => {
    // 511 prepended marks glue onto the emoji after them: one cluster whose last unit is the
    // 513th, so a 512-unit window would end between the emoji's two halves.
    const text = `${'\u0600'.repeat(511)}🚀${'xy'.repeat(400)}`;
    for (const max of [3, 10, 100, 500]) {
      expect(clipColumns(text, max)).toBe(referenceClip(text, max));
    }
  });
});

describe('padColumns', () => {
  it('pads to a column, counting wide characters twice', () => {
    expect(padColumns('ab', 4)).toBe('ab  ');
    expect(padColumns('日本', 6)).toBe('日本  ');
    expect(padColumns('日本語', 4)).toBe('日本語');
  });
});
