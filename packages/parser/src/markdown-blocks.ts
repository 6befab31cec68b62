/**
 * Turns CASCADE.md source into the only things the parser looks at: top-level headings and top-level
 * GFM tables, as mdast nodes with source positions. mdast-util-from-markdown with the GFM table
 * extension is the parser of record for both.
 *
 * Why two passes: a whole-file parse with the table extension spends most of its time (and garbage)
 * on a document it mostly does not need, and its cost grows faster than the file. So the fast path
 *  1. parses the block structure of the whole file with inline constructs switched off (block
 *     structure never depends on inline syntax in CommonMark), without the table extension;
 *  2. cuts the top-level blocks into runs separated by blank lines and re-parses, with the table
 *     extension and full inline syntax, only the runs whose source contains a `|` (a GFM table needs
 *     one), plus each heading on its own (for its inline text);
 *  3. shifts the positions of the re-parsed nodes back into the file.
 * A blank line ends every paragraph and table, so each run parses the same alone as in the file, as
 * long as the table extension only turned paragraph text into tables: that is checked for every run,
 * and a run where a table changed the blocks around it (a table cut short by an HTML line, a table
 * after a lazy blockquote line) sends the whole file down the plain whole-file path. So do link
 * reference definitions, the one thing that crosses runs (a `[x][ref]` in a cell needs the
 * `[ref]: url` line). Property tests check that both paths agree.
 *
 * The plain-table path: most task tables never reach micromark's table parse. A run made only of
 * one-line ATX headings and table paragraphs whose every line starts with `|` in column 1, whose
 * header and delimiter rows are closed by a pipe, hold no inline syntax and have as many cells, gets
 * its tables from buildPlainTable (plain-table.ts), which writes the nodes micromark would make for
 * every body row without inline syntax (or with only simple code spans) and hands the other rows to
 * micromark after the table's header (parseRows). Such a run needs none of the checks above: a line
 * starting with `|` after a header and delimiter row is always a body row (no other block starts
 * with `|`), an ATX heading ends a table just as it ends a paragraph, and a row's cells depend on its
 * own line alone (they split at every unescaped `|` before inline parsing). For a row without inline
 * syntax the table extension has nothing left to decide but where cells split and where their
 * trimmed text sits, which the builder reproduces exactly; property tests compare it with micromark
 * node for node, positions included, and check that near misses take the micromark path.
 */
import type { Heading, Nodes, Root, RootContent, Table, TableRow } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';
import { buildPlainTable, LONE_CR, plainTableStats, type RowLine } from './plain-table.js';

export type Strategy = 'fast' | 'whole';

export type Block =
  | { kind: 'heading'; node: Heading }
  | { kind: 'table'; node: Table }
  /** A table inside a list or blockquote: never a task table, but worth a warning if it looks like one. */
  | { kind: 'nested-table'; node: Table; container: 'list' | 'blockquote' };

const withTables = {
  extensions: [gfmTable()],
  mdastExtensions: [gfmTableFromMarkdown()],
};

/** Block structure only: every construct that exists only inside a paragraph or heading is off. */
const structureOnly = {
  extensions: [
    {
      disable: {
        null: [
          'attention',
          'autolink',
          'characterEscape',
          'characterReference',
          'codeText',
          'hardBreakEscape',
          'hardBreakTrailing',
          'htmlText',
          'labelEnd',
          'labelStartImage',
          'labelStartLink',
        ],
      },
    },
  ],
};

/** Thrown by iterateBlocks when the fast path cannot be trusted for this file; start over 'whole'. */
export class NeedsWholeParse extends Error {}

export interface BlockOptions {
  /**
   * Fast path only: a run longer than twice this many lines that holds one long table is parsed
   * this many lines at a time (see reparseRun). Default TABLE_PIECE_LINES; tests make it tiny.
   */
  tablePieceLines?: number;
}

/**
 * Lines of a long table parsed at once. The micromark events of one parse weigh roughly 40 KB per
 * table row: a 10,000-row table parsed in one go peaked near 500 MB above the rest of the process,
 * 256 rows at a time stays within a few tens of MB, at no cost in speed.
 */
export const TABLE_PIECE_LINES = 256;

/** All blocks at once (tests use this); falls back to the whole-file parse by itself. */
export function readBlocks(
  source: string,
  strategy: Strategy = 'fast',
  options: BlockOptions = {},
): Block[] {
  try {
    return [...iterateBlocks(source, strategy, options)];
  } catch (error) {
    if (!(error instanceof NeedsWholeParse)) throw error;
    return [...iterateBlocks(source, 'whole')];
  }
}

/**
 * Blocks one run at a time, so a caller that consumes them as they come keeps only one table's
 * syntax tree alive (a 10,000-task plan's trees weigh ~50 MB; holding them all made garbage
 * collection the largest cost of a parse). May throw NeedsWholeParse part-way through.
 */
export function* iterateBlocks(
  source: string,
  strategy: Strategy = 'fast',
  options: BlockOptions = {},
): Generator<Block> {
  const pieceLines = options.tablePieceLines ?? TABLE_PIECE_LINES;
  if (strategy === 'whole') {
    yield* blocksOf(fromMarkdown(source, withTables).children);
    return;
  }
  const structure = fromMarkdown(source, structureOnly);
  if (hasDefinition(structure)) throw new NeedsWholeParse();

  const nodes = structure.children;
  let runStart = 0;
  for (let i = 0; i < nodes.length; i++) {
    const next = nodes[i + 1];
    const end = nodes[i]!.position!.end;
    // A run ends where a blank line follows (or the file ends).
    if (next !== undefined && next.position!.start.line <= end.line + 1) continue;
    const first = nodes[runStart]!.position!.start;
    const from = first.offset! - (first.column - 1);
    const text = source.slice(from, end.offset!);
    const hasPipe = text.includes('|');
    const plain = hasPipe ? plainRun(source, nodes, runStart, i, pieceLines) : undefined;
    if (plain !== undefined) {
      yield* plain;
    } else if (hasPipe) {
      const reparsed =
        reparseInPieces(text, from, first.line, pieceLines) ??
        reparse(text, from, first.line, withTables);
      // The table extension may only turn paragraph text into tables. Anything else (a table that
      // ends early and lets an HTML block or a list start, a table after a lazy blockquote line)
      // changes the structure around it, so the whole file is parsed the plain way instead.
      if (!onlyTablesDiffer(nodes.slice(runStart, i + 1), reparsed)) throw new NeedsWholeParse();
      yield* blocksOf(reparsed);
    } else {
      for (let k = runStart; k <= i; k++) {
        const node = nodes[k]!;
        if (node.type === 'heading') yield* headingAlone(source, node);
      }
    }
    runStart = i + 1;
  }
}

/** A heading parsed on its own (its inline text needs the full parse; a heading never holds a table). */
function headingAlone(source: string, node: Heading): Block[] {
  const start = node.position!.start;
  const lineStart = start.offset! - (start.column - 1);
  const slice = source.slice(lineStart, node.position!.end.offset!);
  return blocksOf(reparse(slice, lineStart, start.line, undefined));
}

/**
 * The blocks of run `nodes[first..last]` without micromark's table parse, when every node in it is
 * an ATX heading or a top-level paragraph that buildPlainTable turns into a table; else undefined.
 * Such a run needs none of the checks of the micromark path: a paragraph whose lines all start with
 * `|` and whose second line is a matching delimiter row is, with the table extension, one table from
 * its first line to its last (every later line starting with `|` is a body row, and an ATX heading
 * ends both a paragraph and a table), and a one-line ATX heading is the same node either way. A
 * setext heading is not taken here: its underline could be a delimiter row.
 */
function plainRun(
  source: string,
  nodes: RootContent[],
  first: number,
  last: number,
  pieceLines: number,
): Block[] | undefined {
  // Shapes first (cheap), so a run that is not plain costs no table building.
  for (let k = first; k <= last; k++) {
    const node = nodes[k]!;
    const start = node.position!.start;
    if (node.type === 'heading') {
      // ATX: one line starting with `#` (a heading's position starts after its indentation).
      if (start.line !== node.position!.end.line || source.charCodeAt(start.offset!) !== 35)
        return undefined;
    } else if (node.type !== 'paragraph' || start.column !== 1) {
      return undefined;
    }
  }
  const blocks: Block[] = [];
  let tables = 0;
  for (let k = first; k <= last; k++) {
    const node = nodes[k]!;
    if (node.type === 'heading') {
      blocks.push(...headingAlone(source, node));
      continue;
    }
    const { start, end } = node.position!;
    const table = buildPlainTable(source, start.offset!, end.offset!, start.line, (head, rows) =>
      parseRows(head, rows, pieceLines),
    );
    if (table === undefined) return undefined;
    blocks.push({ kind: 'table', node: table });
    tables++;
  }
  plainTableStats.built += tables;
  return blocks;
}

/**
 * Body rows the plain-table builder leaves to micromark, parsed as the body of a table made of the
 * table's own header and delimiter lines, `pieceLines` rows at a time (to bound memory, as in
 * reparseInPieces); undefined unless every row line came out as exactly one row on its own line.
 */
function parseRows(head: string, rows: RowLine[], pieceLines: number): TableRow[] | undefined {
  const out: TableRow[] = [];
  const piece = Math.max(1, pieceLines);
  for (let a = 0; a < rows.length; a += piece) {
    const chunk = rows.slice(a, a + piece);
    const text = head + chunk.map((row) => row.text).join('\n');
    const body = parseTablePiece(text, chunk.length);
    if (body === undefined) return undefined;
    let offset = head.length;
    for (let k = 0; k < chunk.length; k++) {
      const row = body[k]!;
      // Line 3 + k of the piece is this row's line.
      if (row.position!.start.line !== 3 + k || row.position!.end.line !== 3 + k) return undefined;
      shift(row, chunk[k]!.offset - offset, chunk[k]!.line - (3 + k));
      out.push(row);
      offset += chunk[k]!.text.length + 1;
    }
  }
  return out;
}

/**
 * True when `after` (with tables) has the same top-level blocks as `before` (without), except that
 * paragraphs and setext headings may have become tables, paragraphs and headings within exactly
 * the same source range.
 */
function onlyTablesDiffer(before: RootContent[], after: RootContent[]): boolean {
  let k = 0;
  for (const node of before) {
    const start = node.position!.start.offset!;
    const end = node.position!.end.offset!;
    const splittable = node.type === 'paragraph' || node.type === 'heading';
    if (!splittable) {
      const other = after[k++];
      if (
        other === undefined ||
        other.type !== node.type ||
        other.position!.start.offset !== start ||
        other.position!.end.offset !== end
      ) {
        return false;
      }
      continue;
    }
    const other = after[k];
    if (other === undefined || other.position!.start.offset !== start) return false;
    let last = end;
    while (k < after.length && after[k]!.position!.start.offset! < end) {
      const part = after[k++]!;
      if (part.type !== 'table' && part.type !== 'paragraph' && part.type !== 'heading')
        return false;
      last = part.position!.end.offset!;
    }
    if (last !== end) return false;
  }
  return k === after.length;
}

function blocksOf(children: RootContent[]): Block[] {
  const blocks: Block[] = [];
  for (const node of children) {
    if (node.type === 'heading') blocks.push({ kind: 'heading', node });
    else if (node.type === 'table') blocks.push({ kind: 'table', node });
    else if (node.type === 'list' || node.type === 'blockquote') {
      for (const table of nestedTables(node))
        blocks.push({ kind: 'nested-table', node: table, container: node.type });
    }
  }
  return blocks;
}

function nestedTables(node: Nodes, found: Table[] = []): Table[] {
  if (node.type === 'table') found.push(node);
  else if ('children' in node) for (const child of node.children) nestedTables(child, found);
  return found;
}

function hasDefinition(node: Nodes): boolean {
  if (node.type === 'definition') return true;
  if ('children' in node) {
    for (const child of node.children) if (hasDefinition(child)) return true;
  }
  return false;
}

const stripLineEnding = (s: string): string =>
  s.endsWith('\r\n') ? s.slice(0, -2) : s.endsWith('\n') || s.endsWith('\r') ? s.slice(0, -1) : s;

/**
 * Parses a run that ends in one long table `piece` lines at a time, to bound memory; returns null
 * whenever that cannot be shown to equal one parse of the run (the caller then does that parse).
 *
 * The first piece is parsed as it stands in the file and must end inside a table. Every later piece
 * is that table's header and delimiter lines followed by the next `piece` lines, and must come out
 * as one table with exactly one row per line, running to the piece's end. Whether a line continues a
 * table body depends on that line alone (a blank line or the start of another block ends it), so a
 * line that is a row after the header is a row after any other row, and its cells are the same; and
 * a line that would end the table makes its piece fail the check. The rows are moved into the first
 * piece's table with their positions shifted back into the file, and the run's usual check against
 * the structure pass (onlyTablesDiffer) still applies to the result.
 */
function reparseInPieces(
  text: string,
  offset: number,
  line: number,
  piece: number,
): RootContent[] | null {
  // A lone CR is a line ending to micromark but not to the line split below: leave such text whole.
  if (!(piece >= 2) || LONE_CR.test(text)) return null;
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1 && i + 1 < text.length; i = text.indexOf('\n', i + 1))
    starts.push(i + 1);
  const count = starts.length;
  if (count <= 2 * piece) return null;
  // Lines a..b-1 of the run, with their line endings.
  const lines = (a: number, b: number) =>
    text.slice(starts[a], b < count ? starts[b] : text.length);

  const firstText = stripLineEnding(lines(0, piece));
  const first = fromMarkdown(firstText, withTables).children;
  const table = first[first.length - 1];
  if (table?.type !== 'table' || table.position!.end.offset !== firstText.length) return null;
  const headerLine = table.position!.start.line - 1;
  if (headerLine + 2 > piece || table.children.length !== piece - headerLine - 1) return null;
  const head = lines(headerLine, headerLine + 2);
  for (const node of first) shift(node, offset, line - 1);

  for (let a = piece; a < count; a += piece) {
    const b = Math.min(count, a + piece);
    const pieceText = stripLineEnding(head + lines(a, b));
    const body = parseTablePiece(pieceText, b - a);
    if (body === undefined) return null;
    // Piece line 3 is line `a` of the run; piece offset head.length is the run's starts[a].
    for (const row of body) {
      shift(row, offset + starts[a]! - head.length, line - 1 + a - 2);
      table.children.push(row);
    }
  }
  table.position!.end = { ...table.children[table.children.length - 1]!.position!.end };
  return first;
}

/**
 * The body rows of `text`, a table's header and delimiter lines followed by `rows` row lines, as
 * micromark parses it; undefined unless that is exactly one table, running to the end of `text`,
 * with one row per line.
 */
function parseTablePiece(text: string, rows: number): TableRow[] | undefined {
  const parsed = fromMarkdown(text, withTables).children;
  const table = parsed[0];
  if (
    parsed.length !== 1 ||
    table?.type !== 'table' ||
    table.position!.end.offset !== text.length ||
    table.children.length !== rows + 1
  ) {
    return undefined;
  }
  return table.children.slice(1);
}

/** Parses `text`, which starts at the beginning of line `line` (offset `offset`) of the file. */
function reparse(
  text: string,
  offset: number,
  line: number,
  options: typeof withTables | undefined,
): RootContent[] {
  const root: Root = fromMarkdown(text, options);
  for (const child of root.children) shift(child, offset, line - 1);
  return root.children;
}

function shift(node: Nodes, offset: number, lines: number): void {
  const position = node.position;
  if (position) {
    position.start.line += lines;
    position.end.line += lines;
    if (position.start.offset !== undefined) position.start.offset += offset;
    if (position.end.offset !== undefined) position.end.offset += offset;
  }
  if ('children' in node) for (const child of node.children) shift(child, offset, lines);
}
