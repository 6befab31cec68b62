/**
 * Builds the mdast Table of a "plain" table paragraph by hand, node for node what
 * micromark-extension-gfm-table + mdast-util-gfm-table make of it, at a fraction of the cost.
 *
 * Plain means every line starts with `|` in column 1, the second line is a delimiter row with as
 * many cells as the first, and the text holds no character that can start an inline construct or an
 * escape in CommonMark (`\` `` ` `` `*` `_` `<` `&` `[` `]` `!`, plus `~`), no tab (tabs expand to
 * columns in micromark), no NUL (micromark replaces it) and no CR except in a CRLF line ending.
 * Cell text is then literal: a cell's children are one text node with its trimmed content, or none.
 * Anything else returns undefined and the caller parses the text with micromark as before. A
 * property test compares this builder with micromark on generated tables, near misses included.
 */
import type { AlignType, Table, TableCell, TableRow } from 'mdast';

/** How many tables the fast path took from this builder (tests check that it really is taken). */
export const plainTableStats = { built: 0 };

/** Characters that can start inline syntax or change how text is read: their presence means "not plain". */
const NOT_PLAIN = /[\\`*_<&[\]!~\t\0]|\r(?!\n)/;

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

/**
 * The Table for `source.slice(from, to)`, a top-level paragraph that starts at the beginning of line
 * `line`, or undefined when that text is not plain (see above).
 */
export function buildPlainTable(
  source: string,
  from: number,
  to: number,
  line: number,
): Table | undefined {
  const text = source.slice(from, to);
  if (NOT_PLAIN.test(text)) return undefined;
  const lines: { text: string; offset: number }[] = [];
  for (let at = 0; at <= text.length; ) {
    let next = text.indexOf('\n', at);
    if (next === -1) next = text.length;
    let stop = next;
    if (stop > at && text.charCodeAt(stop - 1) === CR) stop--;
    if (text.charCodeAt(at) !== PIPE) return undefined;
    lines.push({ text: text.slice(at, stop), offset: from + at });
    at = next + 1;
  }
  if (lines.length < 2) return undefined;
  // Header and delimiter rows must end in a pipe: the open forms have edge cases not worth copying.
  const { cells: header, closed } = splitRowClosed(lines[0]!.text);
  if (!closed) return undefined;
  const align = delimiterAlign(lines[1]!.text, header.length);
  if (align === undefined) return undefined;

  const rows: TableRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (i === 1) continue;
    const { text: rowText, offset } = lines[i]!;
    const lineNo = line + i;
    const point = (column: number) => ({
      line: lineNo,
      column: column + 1,
      offset: offset + column,
    });
    const cells: TableCell[] = [];
    let rowEnd = 0;
    for (const cell of i === 0 ? header : splitRow(rowText)) {
      rowEnd = cell.end;
      cells.push({
        type: 'tableCell',
        children:
          cell.contentEnd > cell.contentStart
            ? [
                {
                  type: 'text',
                  value: rowText.slice(cell.contentStart, cell.contentEnd),
                  position: { start: point(cell.contentStart), end: point(cell.contentEnd) },
                },
              ]
            : [],
        position: { start: point(cell.start), end: point(cell.end) },
      });
    }
    rows.push({
      type: 'tableRow',
      children: cells,
      position: { start: point(0), end: point(rowEnd) },
    });
  }
  // A table without body rows ends where its delimiter row does.
  const delimiter = lines[1]!;
  const end =
    rows.length > 1
      ? { ...rows[rows.length - 1]!.position!.end }
      : {
          line: line + 1,
          column: delimiter.text.length + 1,
          offset: delimiter.offset + delimiter.text.length,
        };
  return {
    type: 'table',
    align,
    children: rows,
    position: { start: { ...rows[0]!.position!.start }, end },
  };
}
