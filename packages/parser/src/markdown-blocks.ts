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
 */
import type { Heading, Nodes, Root, RootContent, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';

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

/** All blocks at once (tests use this); falls back to the whole-file parse by itself. */
export function readBlocks(source: string, strategy: Strategy = 'fast'): Block[] {
  try {
    return [...iterateBlocks(source, strategy)];
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
export function* iterateBlocks(source: string, strategy: Strategy = 'fast'): Generator<Block> {
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
    if (text.includes('|')) {
      const reparsed = reparse(text, from, first.line, withTables);
      // The table extension may only turn paragraph text into tables. Anything else (a table that
      // ends early and lets an HTML block or a list start, a table after a lazy blockquote line)
      // changes the structure around it, so the whole file is parsed the plain way instead.
      if (!onlyTablesDiffer(nodes.slice(runStart, i + 1), reparsed)) throw new NeedsWholeParse();
      yield* blocksOf(reparsed);
    } else {
      for (let k = runStart; k <= i; k++) {
        const node = nodes[k]!;
        if (node.type !== 'heading') continue;
        const start = node.position!.start;
        const lineStart = start.offset! - (start.column - 1);
        const slice = source.slice(lineStart, node.position!.end.offset!);
        yield* blocksOf(reparse(slice, lineStart, start.line, undefined));
      }
    }
    runStart = i + 1;
  }
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
