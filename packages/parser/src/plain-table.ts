/**
 * Builds the mdast Table of a table paragraph by hand, node for node what
 * micromark-extension-gfm-table + mdast-util-gfm-table make of it, at a fraction of the cost.
 *
 * The paragraph qualifies when every line starts with `|` in column 1, the header and the delimiter
 * row end in a pipe, the delimiter row has as many cells as the header, neither holds a character
 * that can start inline syntax or an escape in CommonMark (`\` `` ` `` `*` `_` `<` `&` `[` `]` `!`, plus
 * `~`), a tab (tabs expand to columns in micromark) or NUL (micromark replaces it), and no line ends in
 * a lone CR. A body row without those characters is "plain": its cells split at every `|`, and each
 * cell's children are one text node with its trimmed content, or none. A body row with any of them is
 * handed to `parseRows` (micromark, after the table's own header), whose rows slot in between the
 * hand-built ones. Anything else returns undefined and the caller parses the text with micromark as
 * before. Property tests compare the result with micromark on generated tables, near misses included.
 */
import type { AlignType, PhrasingContent, Table, TableCell, TableRow } from 'mdast';
import type { Point } from './cell-text.js';

/**
 * How many tables the fast path took from this builder, and how many of their body rows were parsed
 * by micromark (tests check that each path really is taken).
 */
export const plainTableStats = { built: 0, parsedRows: 0 };

/** Characters that can start inline syntax or change how text is read: their presence means "not plain". */
const NOT_PLAIN = /[\\`*_<&[\]!~\t\0]/;
/** The same without the backtick: a body row may hold simple code spans (see codeSpans). */
const NOT_PLAIN_ROW = /[\\*_<&[\]!~\t\0]/;
/** A CR that is not part of CRLF ends a line for micromark but not for the line split here. */
/** A CR not followed by LF: a line ending to micromark, not to a split on LF. */
export const LONE_CR = /\r(?!\n)/;

const PIPE = 124; // |
const SPACE = 32;
const CR = 13;
const BACKTICK = 96;

interface Cell {
  /** Offsets in the line: the cell's span and its trimmed content. */
  start: number;
  end: number;
  contentStart: number;
  contentEnd: number;
}

/**
 * Cells of one row line (without its line ending), which starts with `|`. The first cell begins at
 * the leading pipe, every later one at the pipe before it; a cell ends at the next pipe, the last
 * one at the end of the line (trailing spaces included, after a closing pipe or not).
 */
function splitRow(line: string): Cell[] {
  return splitRowClosed(line).cells;
}

function splitRowClosed(line: string): { cells: Cell[]; closed: boolean } {
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) === SPACE) end--;
  const closed = end > 1 && line.charCodeAt(end - 1) === PIPE;
  const limit = closed ? end - 1 : end;
  const cells: Cell[] = [];
  let start = 0;
  while (true) {
    let next = line.indexOf('|', start + 1);
    if (next === -1 || next > limit) next = limit;
    let contentStart = start + 1;
    let contentEnd = next;
    while (contentStart < contentEnd && line.charCodeAt(contentStart) === SPACE) contentStart++;
    while (contentEnd > contentStart && line.charCodeAt(contentEnd - 1) === SPACE) contentEnd--;
    const last = next === limit;
    cells.push({
      start,
      end: last ? line.length : next,
      contentStart,
      contentEnd,
    });
    if (last) return { cells, closed };
    start = next;
  }
}

function delimiterAlign(line: string, count: number): AlignType[] | undefined {
  const { cells, closed } = splitRowClosed(line);
  if (!closed || cells.length !== count) return undefined;
  const align: AlignType[] = [];
  for (const cell of cells) {
    const text = line.slice(cell.contentStart, cell.contentEnd);
    if (!/^:?-+:?$/.test(text)) return undefined;
    const left = text.startsWith(':');
    const right = text.endsWith(':');
    align.push(left && right ? 'center' : left ? 'left' : right ? 'right' : null);
  }
  return align;
}

/** A body row line the builder leaves to micromark: its text (no line ending) and where it is. */
export interface RowLine {
  text: string;
  offset: number;
  line: number;
}

/**
 * Parses body row lines with micromark after the table's own header and delimiter lines (`head`,
 * each line ending in `\n`) and returns one TableRow per line with file positions, or undefined when
 * the result is not exactly that. A row's cells depend on its line alone (cells split at unescaped
 * pipes before any inline parsing; a line starting with `|` always continues a table body), so a row
 * parsed after the header comes out as it does in the file.
 */
export type ParseRows = (head: string, rows: RowLine[]) => TableRow[] | undefined;

/**
 * The Table for `source.slice(from, to)`, a top-level paragraph that starts at the beginning of line
 * `line`, or undefined when it is not a plain table. Body rows that are not plain are parsed with
 * `parseRows` when given (else the table is not plain either).
 */
export function buildPlainTable(
  source: string,
  from: number,
  to: number,
  line: number,
  parseRows?: ParseRows,
): Table | undefined {
  const text = source.slice(from, to);
  if (LONE_CR.test(text)) return undefined;
  const lines: RowLine[] = [];
  for (let at = 0; at <= text.length; ) {
    let next = text.indexOf('\n', at);
    if (next === -1) next = text.length;
    let stop = next;
    if (stop > at && text.charCodeAt(stop - 1) === CR) stop--;
    if (text.charCodeAt(at) !== PIPE) return undefined;
    lines.push({ text: text.slice(at, stop), offset: from + at, line: line + lines.length });
    at = next + 1;
  }
  if (lines.length < 2) return undefined;
  const headerLine = lines[0]!.text;
  const delimiterLine = lines[1]!.text;
  if (NOT_PLAIN.test(headerLine) || NOT_PLAIN.test(delimiterLine)) return undefined;
  // Header and delimiter rows must end in a pipe: the open forms have edge cases not worth copying.
  const { cells: header, closed } = splitRowClosed(headerLine);
  if (!closed) return undefined;
  const align = delimiterAlign(delimiterLine, header.length);
  if (align === undefined) return undefined;

  const rows: (TableRow | undefined)[] = [];
  const others: RowLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (i === 1) continue;
    const row = lines[i]!;
    const built = i === 0 ? plainRow(row, header) : bodyRow(row);
    if (built === undefined) {
      if (parseRows === undefined) return undefined;
      others.push(row);
    }
    rows.push(built);
  }
  if (others.length > 0) {
    const parsed = parseRows!(`${headerLine}\n${delimiterLine}\n`, others);
    if (parsed === undefined || parsed.length !== others.length) return undefined;
    let k = 0;
    for (let i = 0; i < rows.length; i++) if (rows[i] === undefined) rows[i] = parsed[k++];
    plainTableStats.parsedRows += others.length;
  }
  const done = rows as TableRow[];
  // A table without body rows ends where its delimiter row does.
  const end =
    done.length > 1
      ? { ...done[done.length - 1]!.position!.end }
      : {
          line: line + 1,
          column: delimiterLine.length + 1,
          offset: lines[1]!.offset + delimiterLine.length,
        };
  return {
    type: 'table',
    align,
    children: done,
    position: { start: { ...done[0]!.position!.start }, end },
  };
}

/** A body row built by hand, or undefined when micromark has to read it. */
function bodyRow(row: RowLine): TableRow | undefined {
  if (NOT_PLAIN_ROW.test(row.text)) return undefined;
  const split = splitRow(row.text);
  if (row.text.includes('`')) {
    for (const cell of split) {
      if (!simpleCodeSpans(row.text, cell.contentStart, cell.contentEnd)) return undefined;
    }
  }
  return plainRow(row, split);
}

/**
 * True when the backticks in text[from, to) are single (no two side by side) and even in number:
 * then, with no other inline syntax around, they pair up left to right into code spans (a span
 * opens at a backtick and closes at the next run of exactly one). Cells are split before inline
 * parsing, so a span never reaches into another cell.
 */
function simpleCodeSpans(text: string, from: number, to: number): boolean {
  let count = 0;
  for (let i = text.indexOf('`', from); i !== -1 && i < to; i = text.indexOf('`', i + 1)) {
    if (text.charCodeAt(i + 1) === BACKTICK) return false;
    count++;
  }
  return count % 2 === 0;
}

/**
 * Children of a cell's content text[from, to): text and code spans (already known to be simple).
 * A code span's value drops one space at each end when it has one at both ends and is not only
 * spaces, as CommonMark says.
 */
function inlineChildren(
  text: string,
  from: number,
  to: number,
  point: (column: number) => Point,
): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  let at = from;
  const literal = (end: number) => {
    if (end > at)
      out.push({
        type: 'text',
        value: text.slice(at, end),
        position: { start: point(at), end: point(end) },
      });
  };
  for (let open = text.indexOf('`', at); open !== -1 && open < to; open = text.indexOf('`', at)) {
    const close = text.indexOf('`', open + 1);
    literal(open);
    let value = text.slice(open + 1, close);
    if (value.startsWith(' ') && value.endsWith(' ') && /[^ ]/.test(value))
      value = value.slice(1, -1);
    out.push({
      type: 'inlineCode',
      value,
      position: { start: point(open), end: point(close + 1) },
    });
    at = close + 1;
  }
  literal(to);
  return out;
}

function plainRow(row: RowLine, split: Cell[]): TableRow {
  const { text, offset, line } = row;
  const point = (column: number) => ({ line, column: column + 1, offset: offset + column });
  const cells: TableCell[] = [];
  for (const cell of split) {
    cells.push({
      type: 'tableCell',
      children: inlineChildren(text, cell.contentStart, cell.contentEnd, point),
      position: { start: point(cell.start), end: point(cell.end) },
    });
  }
  return {
    type: 'tableRow',
    children: cells,
    position: { start: point(0), end: point(split[split.length - 1]!.end) },
  };
}
