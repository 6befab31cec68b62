import { TranscriptError } from './errors.js';
import { type ReadContext, readLine } from './read-line.js';
import type { TranscriptEntry, TranscriptOptions } from './types.js';

export interface TranscriptParser {
  /**
   * Feeds the next piece of the log (text, or bytes decoded as UTF-8 across pieces) and returns the
   * entries of the lines it completed. A line is complete at its `\n`; the rest waits for more.
   */
  push(chunk: string | Uint8Array): TranscriptEntry[];
  /** The log ended: returns the entry of an unterminated last line (if any). */
  end(): TranscriptEntry[];
  /** Lines completed so far. */
  readonly lines: number;
}

function positive(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new TranscriptError(
      'E_INVALID_OPTION',
      `${name} must be a whole number >= ${min}, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * An incremental reader of a task log: Claude Code's stream-json events, Nova's own `# nova:` lines
 * and anything else an agent prints. Feeding a growing log piece by piece never re-reads what was
 * read; the entries are the same as reading the whole text at once, whatever the cut points.
 * Throws only for bad options (TranscriptError E_INVALID_OPTION); no input makes it throw.
 */
export function createTranscriptParser(options: TranscriptOptions = {}): TranscriptParser {
  const firstLine = positive('firstLine', options.firstLine, 1, 0);
  const ctx: ReadContext = {
    maxInputChars: positive('maxInputChars', options.maxInputChars, 2000, 1),
    maxResultChars: positive('maxResultChars', options.maxResultChars, 20_000, 1),
    turns: 0,
    lastMessageId: null,
    toolNames: new Map(),
  };
  let decoder: InstanceType<typeof TextDecoder> | null = null;
  let pending = '';
  let next = firstLine;

  const take = (text: string): TranscriptEntry[] => {
    const out: TranscriptEntry[] = [];
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl === -1) {
      pending += text;
      return out;
    }
    // The first line finishes what earlier pieces left pending.
    out.push(readLine(pending + text.slice(0, nl), next++, ctx));
    start = nl + 1;
    for (nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      out.push(readLine(text.slice(start, nl), next++, ctx));
      start = nl + 1;
    }
    pending = text.slice(start);
    return out;
  };

  return {
    push(chunk) {
      if (typeof chunk === 'string') {
        // Bytes left half-decoded by an earlier piece cannot continue into text: flush them first.
        const rest = decoder?.decode() ?? '';
        decoder = null;
        return take(rest + chunk);
      }
      decoder ??= new TextDecoder('utf-8');
      return take(decoder.decode(chunk, { stream: true }));
    },
    end() {
      const rest = (decoder?.decode() ?? '') + pending;
      decoder = null;
      pending = '';
      const out = rest === '' ? [] : [readLine(rest, next++, ctx)];
      return out;
    },
    get lines() {
      return next - firstLine;
    },
  };
}

/** The entries of a whole log at once. */
export function parseTranscript(
  text: string | Uint8Array,
  options: TranscriptOptions = {},
): TranscriptEntry[] {
  const parser = createTranscriptParser(options);
  return [...parser.push(text), ...parser.end()];
}
