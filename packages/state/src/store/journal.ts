import { transitionProblem } from '../apply.js';
import { StateError } from '../errors.js';
import type { JournalEntry } from '../types.js';

export interface JournalRead {
  /** Every complete, valid line, in file order, with its 1-based line number. */
  entries: { entry: JournalEntry; line: number }[];
  /** Set when the last line was torn (cut off by a crash mid-write) or damaged. */
  torn: { line: number; bytes: number; reason: string } | null;
}

function entryProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'not a JSON object';
  const seq = (value as { seq?: unknown }).seq;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1)
    return '"seq" must be a positive integer';
  return transitionProblem(value);
}

/** Only whitespace and NUL bytes (what a crash or power loss can leave after the last line). */
function isBlank(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0x00) return false;
  }
  return true;
}

/**
 * Splits and checks a journal. A line is complete when it ends with a newline. The last line, when it
 * is incomplete or does not parse as an entry, is a torn write and is reported in `torn` (nothing after
 * it but whitespace or NULs). Any other bad line is corruption: StateError JOURNAL_CORRUPT naming the
 * file and line. Sequence numbers must increase by one from line to line.
 */
export function parseJournal(bytes: Uint8Array, file: string): JournalRead {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const entries: JournalRead['entries'] = [];
  let start = 0;
  let line = 0;
  let previous: number | null = null;
  while (start < bytes.length) {
    line++;
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl;
    const next = nl === -1 ? bytes.length : nl + 1;
    let problem: string | null = nl === -1 ? 'incomplete last line (no newline)' : null;
    let value: unknown;
    if (problem === null) {
      try {
        value = JSON.parse(decoder.decode(bytes.subarray(start, end)));
        problem = entryProblem(value);
      } catch (error) {
        problem = `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
      }
    }
    if (problem !== null) {
      if (isBlank(bytes, next, bytes.length)) {
        return { entries, torn: { line, bytes: bytes.length - start, reason: problem } };
      }
      throw new StateError(
        'JOURNAL_CORRUPT',
        `${file}:${line}: journal line is damaged: ${problem}; lines after it are intact, so this is not a torn write. Nothing was changed.`,
        {
          file,
          line,
        },
      );
    }
    const entry = value as JournalEntry;
    if (previous !== null && entry.seq !== previous + 1) {
      throw new StateError(
        'JOURNAL_CORRUPT',
        `${file}:${line}: journal sequence jumps from ${previous} to ${entry.seq}. Nothing was changed.`,
        { file, line },
      );
    }
    previous = entry.seq;
    entries.push({ entry, line });
    start = next;
  }
  return { entries, torn: null };
}
