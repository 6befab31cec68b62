import type { Nodes, PhrasingContent, TableCell } from 'mdast';

export type Point = NonNullable<TableCell['position']>['start'];

/**
 * Plain text of a cell: code spans, emphasis and links become their text, images their alt text,
 * `\|` a pipe (the table extension already unescaped it). An inline `<br>` counts as a space; other
 * inline HTML stays as written, since "Add a <Button> prop" means what it says to a coding agent.
 */
export function cellText(cell: TableCell | undefined): string {
  if (cell === undefined) return '';
  return inlineText(cell.children);
}

/**
 * The same plain text for any inline content (a heading's, for instance): trimmed, and runs of
 * whitespace read as one space, as markdown renders them.
 */
export function inlineText(children: readonly PhrasingContent[]): string {
  let out = '';
  for (const child of children) out += textOf(child);
  return out.replace(/\s+/g, ' ').trim();
}

function textOf(node: PhrasingContent | Nodes): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
      return node.value;
    case 'html':
      return /^<br\s*\/?>$/i.test(node.value) ? ' ' : node.value;
    case 'image':
    case 'imageReference':
      return node.alt ?? '';
    case 'break':
      return ' ';
    default:
      if ('children' in node) {
        let out = '';
        for (const child of node.children) out += textOf(child);
        return out;
      }
      return 'value' in node && typeof node.value === 'string' ? node.value : '';
  }
}

/** Where a cell's content starts (the cell itself when empty): diagnostics point at what the user wrote. */
export function cellStart(cell: TableCell): Point {
  const first = cell.children[0]?.position?.start ?? cell.position!.start;
  return first;
}
