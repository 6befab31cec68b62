/**
 * The fenced code blocks of a markdown file and the `<!-- example: ... -->` marker each one carries.
 * Pure: text in, blocks and problems out, so the rules are tested without running anything.
 */

/** Languages whose blocks must say what is done with them. */
const LANGUAGES: Record<string, Language> = {
  ts: 'ts',
  typescript: 'ts',
  js: 'js',
  javascript: 'js',
  mjs: 'js',
  sh: 'sh',
  bash: 'sh',
  shell: 'sh',
  console: 'console',
};

export type Language = 'ts' | 'js' | 'sh' | 'console';

/** Folders a `run` block can start in; see sandbox.ts. */
export const FIXTURES = ['empty', 'init', 'run'] as const;
export type Fixture = (typeof FIXTURES)[number];

export type Marker =
  | { kind: 'run'; fixture: Fixture }
  | { kind: 'typecheck' }
  | { kind: 'skip'; reason: string };

export interface Block {
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word, lower-cased ('' when there is none). */
  info: string;
  /** Set for the languages that need a marker. */
  language: Language | null;
  /** The lines between the fences, de-indented by the fence's indentation. */
  code: string;
  marker: Marker | null;
}

export interface Problem {
  line: number;
  message: string;
}

const FENCE = /^( *)(`{3,}|~{3,})\s*([^\s`]*)/;
const MARKER = /^<!--\s*example:\s*([\s\S]*?)\s*-->$/;

/** Reads the text of a marker comment (what follows `example:`). */
export function parseMarker(text: string): Marker | string {
  const skip = /^skip\s*:\s*(.*)$/s.exec(text);
  if (skip) {
    const reason = skip[1]!.trim();
    return reason === ''
      ? 'a skip marker needs a reason: <!-- example: skip: <why> -->'
      : { kind: 'skip', reason };
  }
  if (text === 'typecheck') return { kind: 'typecheck' };
  const run = /^run(?:\s*,\s*fixture\s*:\s*(\S+))?$/.exec(text);
  if (run) {
    const fixture = run[1] ?? 'empty';
    if (!(FIXTURES as readonly string[]).includes(fixture)) {
      return `unknown fixture '${fixture}' (known: ${FIXTURES.join(', ')})`;
    }
    return { kind: 'run', fixture: fixture as Fixture };
  }
  return `unknown marker 'example: ${text}': use 'run', 'run, fixture: <name>', 'typecheck' or 'skip: <reason>'`;
}

/**
 * Every fenced block of `text` with its marker: the HTML comment that ends on the nearest
 * non-blank line above the fence (it may span several lines). Problems: a marker that cannot be
 * read, one that is not followed by a block, one a block's language cannot honour, and a block
 * of a checked language without one.
 */
export function readBlocks(text: string): { blocks: Block[]; problems: Problem[] } {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  const problems: Problem[] = [];
  let pending: { line: number; marker: Marker } | null = null;
  const dropPending = () => {
    if (pending) {
      problems.push({
        line: pending.line,
        message: 'an example marker with no code block after it',
      });
    }
    pending = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed.startsWith('<!--')) {
      // A comment may span lines: read up to its end.
      let end = i;
      let comment = trimmed;
      while (!comment.includes('-->') && end + 1 < lines.length) {
        comment += `\n${lines[++end]!.trim()}`;
      }
      // Any comment, like prose, parts a marker from the block below it.
      dropPending();
      if (!/^<!--\s*example:/.test(comment)) {
        i = end;
        continue;
      }
      const match = MARKER.exec(comment);
      const marker = match
        ? parseMarker(match[1]!.replace(/\s+/g, ' '))
        : 'an example marker must be one HTML comment';
      if (typeof marker === 'string') problems.push({ line: i + 1, message: marker });
      else pending = { line: i + 1, marker };
      i = end;
      continue;
    }
    const fence = FENCE.exec(line);
    if (!fence) {
      if (trimmed !== '') dropPending();
      continue;
    }
    const [, indent, ticks, infoWord] = fence;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = lines[j]!.trim();
      if (close.startsWith(ticks!) && close.replace(/[`~]/g, '') === '' && close[0] === ticks![0])
        break;
      const l = lines[j]!;
      body.push(l.startsWith(indent!) ? l.slice(indent!.length) : l.trimStart());
    }
    const info = infoWord!.toLowerCase();
    const language = LANGUAGES[info] ?? null;
    const block: Block = {
      line: i + 1,
      info,
      language,
      code: body.join('\n'),
      marker: pending?.marker ?? null,
    };
    pending = null;
    if (block.marker === null && language !== null) {
      problems.push({
        line: block.line,
        message: `a \`\`\`${info} block without a marker: put <!-- example: run -->, <!-- example: typecheck --> or <!-- example: skip: <reason> --> on the line before it`,
      });
    } else if (block.marker && block.marker.kind !== 'skip') {
      if (language === null) {
        problems.push({
          line: block.line,
          message: `a \`\`\`${info || '(no language)'} block cannot be checked: mark it skip, or give it a language`,
        });
      } else if (block.marker.kind === 'typecheck' && language !== 'ts') {
        problems.push({
          line: block.line,
          message: `only a ts block can be type-checked, not ${info}`,
        });
      }
    }
    blocks.push(block);
    i = j;
  }
  dropPending();
  return { blocks, problems };
}
