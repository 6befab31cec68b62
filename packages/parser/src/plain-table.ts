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
import type { AlignType, Table, TableCell, TableRow } from 'mdast';

/**
 * How many tables the fast path took from this builder, and how many of their body rows were parsed
 * by micromark (tests check that each path really is taken).
 */
export const plainTableStats = { built: 0, parsedRows: 0 };

/** Characters that can start inline syntax or change how text is read: their presence means "not plain". */
const NOT_PLAIN = /[\\`*_<&[\]!~\t\0]/;
/** A CR that is not part of CRLF ends a line for micromark but not for the line split here. */
const LONE_CR = /\r(?!\n)/;

const PIPE = 124; // |
const SPACE = 32;
const CR = 13;

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
    if (i > 0 && NOT_PLAIN.test(row.text)) {
      if (parseRows === undefined) return undefined;
      others.push(row);
      rows.push(undefined);
      continue;
    }
    rows.push(plainRow(row, i === 0 ? header : splitRow(row.text)));
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

function plainRow(row: RowLine, split: Cell[]): TableRow {
  const { text, offset, line } = row;
  const point = (column: number) => ({ line, column: column + 1, offset: offset + column });
  const cells: TableCell[] = [];
  for (const cell of split) {
    cells.push({
      type: 'tableCell',
      children:
        cell.contentEnd > cell.contentStart
          ? [
              {
                type: 'text',
                value: text.slice(cell.contentStart, cell.contentEnd),
                position: { start: point(cell.contentStart), end: point(cell.contentEnd) },
              },
            ]
          : [],
      position: { start: point(cell.start), end: point(cell.end) },
    });
  }
  return {
    type: 'tableRow',
    children: cells,
    position: { start: point(0), end: point(split[split.length - 1]!.end) },
  };
}
