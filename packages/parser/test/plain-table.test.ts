import fc from 'fast-check';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';
import { describe, expect, it } from 'vitest';
import { readBlocks } from '../src/markdown-blocks.js';
import { parseWith } from '../src/parse.js';
import { buildPlainTable, plainTableStats } from '../src/plain-table.js';

const withTables = { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] };

/** How many tables the hand-written builder made while `fn` ran. */
function built(fn: () => void): number {
  const before = plainTableStats.built;
  fn();
  return plainTableStats.built - before;
}

// ---------- generating plain tables ----------

/** Cell text without inline syntax: letters, spaces (also runs of them), unicode, astral characters. */
const cellArb = fc
  .array(
    fc.constantFrom(
      'a',
      'Z',
      '7',
      ' ',
      '  ',
      '-',
      ':',
      '.',
      ',',
      '#',
      '>',
      '=',
      '+',
      '(',
      ')',
      'é',
      '日本',
      '😀',
      '𝔸',
      '\u00a0',
      '\u3000',
      '\u000c',
      'x y',
      'T-12',
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));

const trailingArb = fc.constantFrom('', '', ' ', '  ');

/**
 * Body cells may also hold simple code spans (single backticks in pairs, never side by side), which
 * the builder makes by hand too: padding spaces, only spaces, unicode inside.
 */
const codeSpanArb = fc
  .tuple(
    fc.constantFrom('x', ' ', '(', 'é'),
    fc.constantFrom(
      'a',
      'a b',
      ' a ',
      '  a  ',
      ' ',
      '  ',
      ' \u00a0 ',
      '😀',
      'src/x.ts',
      '#',
      '- a',
    ),
    fc.constantFrom('x', ' ', ')', '.'),
  )
  .map(([before, code, after]) => `${before}\`${code}\`${after}`);

const bodyCellArb = fc
  .array(fc.oneof({ weight: 3, arbitrary: cellArb }, { weight: 1, arbitrary: codeSpanArb }), {
    maxLength: 3,
  })
  .map((parts) => parts.join(''));

/** One row line: cells between pipes, a closing pipe or not, trailing spaces or not. */
const rowArb = fc
  .tuple(fc.array(bodyCellArb, { minLength: 0, maxLength: 6 }), fc.boolean(), trailingArb)
  .map(([cells, close, trail]) => `|${cells.join('|')}${close ? '|' : ''}${trail}`);

const delimiterCellArb = fc
  .tuple(fc.constantFrom('', ' ', '  '), fc.boolean(), fc.integer({ min: 1, max: 5 }), fc.boolean())
  .map(
    ([pad, left, dashes, right]) =>
      `${pad}${left ? ':' : ''}${'-'.repeat(dashes)}${right ? ':' : ''}${pad}`,
  );

/** A plain table: header, delimiter with as many cells, body rows of any length. */
const plainTableArb = fc
  .tuple(
    fc.array(cellArb, { minLength: 1, maxLength: 5 }),
    fc.array(delimiterCellArb, { minLength: 5, maxLength: 5 }),
    trailingArb,
    fc.array(rowArb, { maxLength: 6 }),
  )
  .map(([header, delimiters, trail, rows]) => [
    `|${header.join('|')}|${trail}`,
    `|${delimiters.slice(0, header.length).join('|')}|${trail}`,
    ...rows,
  ]);

/** More with PLAIN_TABLE_RUNS=20000 for a long local run. */
const RUNS = Number(process.env.PLAIN_TABLE_RUNS ?? 1000);

const eolArb = fc.constantFrom('\n', '\r\n');

describe('buildPlainTable', () => {
  it('builds exactly the table micromark builds, positions included', () => {
    let count = 0;
    fc.assert(
      fc.property(plainTableArb, eolArb, (lines, eol) => {
        const text = lines.join(eol);
        const theirs = fromMarkdown(text, withTables).children;
        const mine = buildPlainTable(text, 0, text.length, 1);
        // Every generated table is plain: the builder must take it (no vacuous pass).
        expect(mine).toBeDefined();
        count++;
        expect([mine]).toEqual(theirs);
      }),
      { numRuns: RUNS },
    );
    expect(count).toBe(RUNS);
  }, 600_000);

  it('positions count UTF-16 code units, as micromark does', () => {
    const text = '| 😀 | b |\n|---|---|\n| 𝔸x | 日 |';
    const table = buildPlainTable(text, 0, text.length, 1)!;
    const cell = table.children[1]!.children[1]!.children[0]!;
    expect(cell.position!.start).toEqual({ line: 3, column: 9, offset: 29 });
    expect(table).toEqual(fromMarkdown(text, withTables).children[0]);
  });

  it('leaves text that is not plain to micromark', () => {
    const notPlain = [
      '| a | b |\n|---|---|\n| *x* | y |',
      '| a | b |\n|---|---|\n| `x | y |',
      '| a | b |\n|---|---|\n| ``x`` | y |',
      '| a | b |\n|---|---|\n| `a`` | y |',
      '| `a` | b |\n|---|---|\n| x | y |',
      '| a | b |\n|---|---|\n| x\\| | y |',
      '| a | b |\n|---|---|\n| x\t| y |',
      '| a | b |\n|---|---|\n| <b> | y |',
      '| a | b |\n|---|---|\n| &amp; | y |',
      '| a | b |\n|---|---|\n| [x](y) | y |',
      '| a | b |\n|---|---|\n| ![x] | y |',
      '| a | b |\n|---|---|\n| x_y | ~z~ |',
      '| a | b |\n|---|---|\r| x | y |',
      '| a | b |\n|---|\n| x | y |',
      '| a | b |\n|---|---|---|\n| x | y |',
      '| a | b |\n|--|-x-|\n| x | y |',
      '| a | b\n|---|---|\n| x | y |',
      '| a | b |\n|---|---\n| x | y |',
      '|\n|-|',
      '| a | b |',
      '| a | b |\n|---|---|\nx | y',
      ' | a | b |\n|---|---|',
    ];
    for (const text of notPlain)
      expect(buildPlainTable(text, 0, text.length, 1), text).toBe(undefined);
  });
});

// ---------- plain tables inside documents: the fast path against a whole-file parse ----------

interface Doc {
  source: string;
  /** Tables the fast path must build by hand (plain, and alone in their run with ATX headings). */
  plain: number;
}

const headingArb = fc
  .tuple(
    fc.constantFrom('#', '##', '###', '####'),
    fc.constantFrom('L1: A', 'L2: G', 'Plan', 'x | y', '*em* `c`'),
  )
  .map(([hashes, text]) => `${hashes} ${text}`);

const proseArb = fc.constantFrom(
  'Some prose.',
  'prose with a | pipe',
  'a *b* `c` [d](e)',
  '- a list item',
);

/** A section: headings (directly above the table or after a blank line), a table, maybe prose. */
const sectionArb = fc
  .tuple(
    fc.array(fc.tuple(headingArb, fc.boolean()), { maxLength: 2 }),
    plainTableArb,
    fc.option(headingArb),
    fc.option(proseArb),
    fc.boolean(),
  )
  .map(([headings, table, headingAfter, prose, proseTouches]): Doc => {
    const lines: string[] = [];
    for (const [heading, blank] of headings) lines.push(heading, ...(blank ? [''] : []));
    lines.push(...table);
    if (headingAfter !== null) lines.push(headingAfter);
    // Prose right under the table continues it (or is a lazy line): that run is not plain.
    const touching = prose !== null && proseTouches;
    if (prose !== null) lines.push(...(proseTouches ? [] : ['']), prose);
    return { source: lines.join('\n'), plain: touching ? 0 : 1 };
  });

const documentArb = fc.tuple(fc.array(sectionArb, { minLength: 1, maxLength: 4 }), eolArb).map(
  ([sections, eol]): Doc => ({
    source: `${sections.map((s) => s.source).join('\n\n')}\n`.replaceAll('\n', eol),
    plain: sections.reduce((n, s) => n + s.plain, 0),
  }),
);

const breakers = ['*', '`', '_', '\\', '<', '&', '[', ']', '!', '~', '\t'];

describe('plain tables on the fast path', () => {
  it('give exactly the blocks of a whole-file parse, and are built by hand', () => {
    let total = 0;
    fc.assert(
      fc.property(documentArb, ({ source, plain }) => {
        let fast: ReturnType<typeof readBlocks> = [];
        const made = built(() => {
          fast = readBlocks(source, 'fast');
        });
        expect(fast).toEqual(readBlocks(source, 'whole'));
        expect(made).toBe(plain);
        total += made;
      }),
      { numRuns: Math.round(RUNS * 0.4) },
    );
    expect(total).toBeGreaterThan(200);
  }, 600_000);

  it('a near miss in the header or delimiter (one inline character, a tab, a wrong cell count) takes the micromark path and agrees', () => {
    const nearMiss = fc
      .tuple(plainTableArb, fc.nat(), fc.nat(), fc.constantFrom(...breakers), fc.boolean())
      .map(([table, row, at, breaker, wrongDelimiter]) => {
        const lines = [...table];
        if (wrongDelimiter) {
          lines[1] = `${lines[1]!.trimEnd()}---|`;
        } else {
          const r = row % 2;
          const line = lines[r]!;
          const i = 1 + (at % line.length);
          lines[r] = line.slice(0, i) + breaker + line.slice(i);
        }
        return `# P\n\n### L2: G\n${lines.join('\n')}\n`;
      });
    fc.assert(
      fc.property(nearMiss, (source) => {
        let fast: ReturnType<typeof readBlocks> = [];
        const made = built(() => {
          fast = readBlocks(source, 'fast');
        });
        expect(made).toBe(0);
        expect(fast).toEqual(readBlocks(source, 'whole'));
      }),
      { numRuns: Math.round(RUNS * 0.3) },
    );
  }, 600_000);

  it('body rows with inline syntax are parsed by micromark (in pieces), the rest by hand, and agree', () => {
    // Each inserted string sends its row to micromark wherever it lands: every character but the
    // backtick is never plain, a lone backtick leaves its cell with an odd count or beside another.
    const markupRowArb = fc
      .tuple(
        rowArb,
        fc.nat(),
        fc.constantFrom(
          ...breakers,
          '``x``',
          '\\|',
          '**bold**',
          '_em_',
          '[link](u)',
          '<b>x</b>',
          '&amp;',
          '![img](i)',
          '*a | b*',
          '\u0000',
        ),
      )
      .map(([line, at, markup]) => {
        const i = 1 + (at % line.length);
        return line.slice(0, i) + markup + line.slice(i);
      });
    const mixed = fc
      .tuple(
        plainTableArb,
        fc.array(fc.tuple(fc.boolean(), markupRowArb), { maxLength: 12 }),
        eolArb,
        fc.constantFrom(1, 2, 3, 256),
      )
      .map(([table, extra, eol, piece]) => {
        const lines = [...table];
        let markup = 0;
        for (const [plain, markupRow] of extra) {
          if (plain) lines.push(`| plain ${lines.length} |`);
          else {
            lines.push(markupRow);
            markup++;
          }
        }
        return { source: `# P${eol}${eol}${lines.join(eol)}${eol}`, markup, piece };
      });
    let parsedTotal = 0;
    fc.assert(
      fc.property(mixed, ({ source, markup, piece }) => {
        let fast: ReturnType<typeof readBlocks> = [];
        const before = plainTableStats.parsedRows;
        const made = built(() => {
          fast = readBlocks(source, 'fast', { tablePieceLines: piece });
        });
        expect(fast).toEqual(readBlocks(source, 'whole'));
        expect(made).toBe(1);
        expect(plainTableStats.parsedRows - before).toBe(markup);
        parsedTotal += markup;
      }),
      { numRuns: Math.round(RUNS * 0.4) },
    );
    expect(parsedTotal).toBeGreaterThan(400);
  }, 600_000);

  it('a plan of plain task tables parses the same either way', () => {
    const rows = Array.from(
      { length: 300 },
      (_, i) => `| T${i} | Task ${i} | step ${i} | ${i ? `T${i - 1}` : '-'} |`,
    );
    const table = [
      '| Task ID | Task Name | What Changes | Depends On |',
      '| --- | --- | --- | --- |',
      ...rows,
    ];
    const source = `# P\n\n## L1: B\n\n### L2: G\n\n${table.join('\n')}\n\n### L2: H\n${table.join('\n').replaceAll('T', 'U')}\n`;
    let fast: ReturnType<typeof parseWith> | undefined;
    expect(built(() => (fast = parseWith(source, {}, 'fast')))).toBe(2);
    const whole = parseWith(source, {}, 'whole');
    expect(fast!.tasks).toEqual(whole.tasks);
    expect(fast!.hierarchy).toEqual(whole.hierarchy);
    expect(fast!.warnings).toEqual(whole.warnings);
  });
});
