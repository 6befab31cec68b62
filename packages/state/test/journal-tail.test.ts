import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { CascadeState, JournalEntry } from '../src/index.js';
import { applyTransition } from '../src/index.js';
import { journalPathFor, openStore } from '../src/store.js';
import { initialState, usage } from './children/common.mjs';

const root = mkdtempSync(join(tmpdir(), 'nova-state-journal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;

const TASKS = 6;

function entries(count: number): JournalEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: i + 1,
    type: 'task_progress',
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    id: `T${i % TASKS}`,
    token_usage: usage(i + 1),
    current_step: `step "${i + 1}" ✓`, // quotes and non-ASCII: byte offsets differ from string offsets
  }));
}

/** A crashed writer's files: snapshot at journal_seq 0 plus the given journal bytes. */
function crashedFiles(journal: Buffer): { stateFile: string; snapshot: string } {
  const dir = join(root, `run-${runs++}`);
  const stateFile = join(dir, 'cascade_state.json');
  const snapshot = `${JSON.stringify({ ...initialState(TASKS), journal_seq: 0 }, null, 2)}\n`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(stateFile, snapshot);
  writeFileSync(journalPathFor(stateFile), journal);
  return { stateFile, snapshot };
}

function expectedState(list: JournalEntry[]): CascadeState {
  const s = initialState(TASKS) as CascadeState;
  for (const e of list) applyTransition(s, e);
  return s;
}

/** Byte ranges [start, end) of each line, newline excluded. */
function lineRanges(bytes: Buffer): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, start)) {
    out.push([start, nl]);
    start = nl + 1;
  }
  return out;
}

describe('journal recovery', () => {
  it('cuts a torn or damaged last line and keeps exactly the complete lines before it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 25 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.boolean(),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        async (count, cutAt, damage, damageAt) => {
          const list = entries(count);
          const full = Buffer.from(list.map((e) => `${JSON.stringify(e)}\n`).join(''));
          const cut = Math.floor(cutAt * full.length);
          const bytes = Buffer.from(full.subarray(0, cut));
          const complete = lineRanges(bytes).length;
          const partial = bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a;
          let expected = complete;
          if (damage && bytes.length > 0) {
            // Damage the last line: the partial one, or else the last complete one.
            const [start, end] = partial
              ? [lineRanges(Buffer.concat([bytes, Buffer.from('\n')])).at(-1)![0], bytes.length]
              : lineRanges(bytes).at(-1)!;
            if (end > start) {
              bytes[start + Math.floor(damageAt * (end - start))] = 0x01; // never valid inside JSON
              if (!partial) expected = complete - 1;
            }
          }
          const torn = expected !== complete || partial;
          const { stateFile } = crashedFiles(bytes);
          const warnings: string[] = [];
          const store = await openStore(stateFile, { onWarning: (w) => warnings.push(w.code) });
          try {
            expect(store.stats.seq).toBe(expected);
            expect(store.state.tasks).toEqual(expectedState(list.slice(0, expected)).tasks);
            expect(warnings).toEqual(torn ? ['JOURNAL_TORN'] : []);
          } finally {
            await store.close();
          }
          // The writer has cut the tail away: the journal now replays cleanly, with no warning.
          const reopened: string[] = [];
          const again = await openStore(stateFile, { onWarning: (w) => reopened.push(w.code) });
          expect(again.stats.seq).toBe(expected);
          expect(reopened).toEqual([]);
          await again.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses damage before the last line, naming file and line, and changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 2, max: 25 })
          .chain((count) => fc.tuple(fc.constant(count), fc.integer({ min: 1, max: count - 1 }))),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.boolean(),
        async ([count, line], damageAt, tornTail) => {
          const list = entries(count);
          let bytes = Buffer.from(list.map((e) => `${JSON.stringify(e)}\n`).join(''));
          if (tornTail) bytes = Buffer.from(bytes.subarray(0, bytes.length - 5)); // a torn tail does not excuse it
          const [start, end] = lineRanges(bytes)[line - 1]!;
          bytes[start + Math.floor(damageAt * (end - start))] = 0x01;
          const { stateFile, snapshot } = crashedFiles(bytes);
          const error = await openStore(stateFile).catch((e) => e);
          expect(error.code).toBe('JOURNAL_CORRUPT');
          expect(error.file).toBe(journalPathFor(stateFile));
          expect(error.line).toBe(line);
          expect(error.message).toContain(`${journalPathFor(stateFile)}:${line}:`);
          expect(readFileSync(stateFile, 'utf8')).toBe(snapshot);
          expect(readFileSync(journalPathFor(stateFile)).equals(bytes)).toBe(true);
          // The failed open released the lease: the next attempt fails the same way, not STATE_LOCKED.
          expect((await openStore(stateFile).catch((e) => e)).code).toBe('JOURNAL_CORRUPT');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a gap in the sequence after the snapshot', async () => {
    const list = entries(5);
    list.splice(2, 1); // seq 3 missing
    const { stateFile } = crashedFiles(
      Buffer.from(list.map((e) => `${JSON.stringify(e)}\n`).join('')),
    );
    const error = await openStore(stateFile).catch((e) => e);
    expect(error.code).toBe('JOURNAL_CORRUPT');
    expect(error.line).toBe(3);
  });

  it('skips lines the snapshot already holds', async () => {
    const list = entries(8);
    const { stateFile } = crashedFiles(
      Buffer.from(list.map((e) => `${JSON.stringify(e)}\n`).join('')),
    );
    const folded = expectedState(list.slice(0, 5));
    folded.journal_seq = 5;
    writeFileSync(stateFile, JSON.stringify(folded));
    const store = await openStore(stateFile);
    expect(store.stats.seq).toBe(8);
    expect(store.state.tasks).toEqual(expectedState(list).tasks);
    await store.close();
  });
});
