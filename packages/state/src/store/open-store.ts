import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ensureDirectory, errnoCode } from '@program-nova/core/node';
import { applyTransition } from '../apply.js';
import { StateError } from '../errors.js';
import type { CascadeState, JournalEntry, Transition } from '../types.js';
import { parseStateText, validateState } from '../validate.js';
import { FileStateStore, openAppend } from './file-state-store.js';
import { removeStaleTemps, replaceFileAtomic } from './fs-util.js';
import { parseJournal } from './journal.js';
import { acquireLease, type Lease, pidAlive, type Warn } from './lease.js';
import { journalPathFor, lockPathFor } from './paths.js';
import { SnapshotText } from './snapshot-text.js';
import { refuseIfRecordedWriterAlive } from './writer.js';

export interface OpenStoreOptions {
  /** Creates the state when the file does not exist (without it, a missing file is STATE_NOT_FOUND). */
  initialState?: () => CascadeState;
  /** Longest time between a recorded transition and the snapshot that includes it (default 250 ms). */
  snapshotIntervalMs?: number;
  /** Torn journal tail cut off, dead holder's lease taken over, a snapshot write that failed. */
  onWarning?: (w: { code: string; message: string }) => void;
  /**
   * fdatasync the journal after every batch before record() resolves (default false). Without it a
   * confirmed transition survives any crash of the process (SIGKILL included) but not a power loss or
   * kernel crash within one snapshot interval; with it, it survives those too, at the cost of a disk
   * flush per batch.
   */
  syncJournal?: boolean;
}

export interface StoreStats {
  /** Transitions recorded since open. */
  recorded: number;
  /** write(2) calls to the journal (each carries one batch of lines). */
  journalWrites: number;
  /** Snapshots written since open (including the one at open and at close). */
  snapshots: number;
  /** Sequence number of the last transition in the journal. */
  seq: number;
}

export interface StateStore {
  readonly stateFile: string;
  readonly journalFile: string;
  readonly lockFile: string;
  /** The live state, including transitions whose record() is still pending. Do not modify it. */
  readonly state: CascadeState;
  readonly stats: Readonly<StoreStats>;
  /** Applies and journals one transition; resolves once its line is written to the journal file. */
  record(t: Transition): Promise<JournalEntry>;
  /** Writes the snapshot now (after every recorded transition is in the journal). */
  flush(): Promise<void>;
  /** Final snapshot, fresh journal, lease released. Idempotent. */
  close(): Promise<void>;
}

async function readOptional(path: string, what: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw new StateError(
      'STATE_READ_FAILED',
      `cannot read ${what} ${path}: ${(error as Error).message}`,
      {
        file: path,
        cause: error,
      },
    );
  }
}

/**
 * Opens the state file for writing: takes the lease, recovers (snapshot + journal replay), writes a
 * fresh snapshot, starts a fresh journal. See the README for the file formats and guarantees.
 */
export async function openStore(
  stateFile: string,
  options: OpenStoreOptions = {},
): Promise<StateStore> {
  const file = resolve(stateFile);
  const journalFile = journalPathFor(file);
  const lockFile = lockPathFor(file);
  const warn: Warn = options.onWarning ?? (() => {});
  if (options.initialState) {
    try {
      ensureDirectory(dirname(file));
    } catch (error) {
      throw new StateError(
        'STATE_WRITE_FAILED',
        `cannot create the directory of the state file ${file}: ${(error as Error).message}`,
        { file, cause: error },
      );
    }
  } else {
    try {
      await stat(dirname(file));
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') {
        throw new StateError(
          'STATE_NOT_FOUND',
          `state file ${file} does not exist (nor does its directory)`,
          {
            file,
            cause: error,
          },
        );
      }
    }
  }
  let lease: Lease;
  try {
    lease = await acquireLease(file, lockFile, warn);
  } catch (error) {
    if (error instanceof StateError) throw error;
    throw new StateError(
      'STATE_WRITE_FAILED',
      `cannot take the lock ${lockFile}: ${(error as Error).message}`,
      {
        file: lockFile,
        cause: error,
      },
    );
  }
  try {
    await removeStaleTemps(file);
    await removeStaleTemps(journalFile);
    // Lease temps of contenders still trying to take the lock are theirs: only a dead pid's go.
    await removeStaleTemps(lockFile, (pid) => pid === process.pid || pidAlive(pid));
    const [snapshot, journalBytes] = await Promise.all([
      readOptional(file, 'state file'),
      readOptional(journalFile, 'journal'),
    ]);
    const journal = journalBytes === null ? null : parseJournal(journalBytes, journalFile);
    let state: CascadeState;
    if (snapshot === null) {
      if (journal !== null && journal.entries.length > 0) {
        throw new StateError(
          'STATE_NOT_FOUND',
          `${file} does not exist but its journal ${journalFile} has ${journal.entries.length} transition(s). Restore the state file, or remove the journal to start over.`,
          { file },
        );
      }
      if (!options.initialState) {
        throw new StateError('STATE_NOT_FOUND', `state file ${file} does not exist`, { file });
      }
      state = validateState(options.initialState(), { file });
      state.journal_seq ??= 0;
    } else {
      state = parseStateText(snapshot.toString('utf8'), { file });
    }
    const base = state.journal_seq ?? 0;
    let last = base;
    if (journal !== null) {
      if (journal.torn) {
        warn({
          code: 'JOURNAL_TORN',
          message: `${journalFile}:${journal.torn.line}: the last line was cut off by a crash mid-write (${journal.torn.reason}); dropped ${journal.torn.bytes} byte(s). That transition was never confirmed.`,
        });
      }
      for (const { entry, line } of journal.entries) {
        if (entry.seq <= base) continue;
        if (entry.seq !== last + 1) {
          throw new StateError(
            'JOURNAL_CORRUPT',
            `${journalFile}:${line}: expected sequence ${last + 1} after the snapshot's journal_seq ${base}, found ${entry.seq}. Nothing was changed.`,
            { file: journalFile, line },
          );
        }
        try {
          applyTransition(state, entry);
        } catch (error) {
          throw new StateError(
            'JOURNAL_CORRUPT',
            `${journalFile}:${line}: cannot replay ${entry.type}: ${(error as Error).message}. Nothing was changed.`,
            { file: journalFile, line, cause: error },
          );
        }
        last = entry.seq;
      }
    }
    state.journal_seq = last;
    refuseIfRecordedWriterAlive(file, state);
    // Recovery is complete in memory: now (and only now) write. Snapshot first, then the empty journal,
    // so a crash in between leaves a journal whose lines the snapshot already covers.
    const text = new SnapshotText();
    await replaceFileAtomic(file, text.chunks(state));
    await replaceFileAtomic(journalFile, '');
    const fd = await openAppend(journalFile);
    const store = new FileStateStore(
      file,
      journalFile,
      lockFile,
      state,
      fd,
      lease,
      Math.max(0, options.snapshotIntervalMs ?? 250),
      options.syncJournal ?? false,
      warn,
      text,
    );
    store.stats.snapshots = 1;
    return store;
  } catch (error) {
    await lease.release();
    throw error;
  }
}

/**
 * For readers (CLI, dashboard server): one read of the snapshot, parse, validate. Takes no lock and
 * never writes. The snapshot trails the journal by at most the writer's snapshot interval.
 */
export async function readState(stateFile: string): Promise<CascadeState> {
  let text: string;
  try {
    text = await readFile(stateFile, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      throw new StateError('STATE_NOT_FOUND', `state file ${stateFile} does not exist`, {
        file: stateFile,
        cause: error,
      });
    }
    throw new StateError(
      'STATE_READ_FAILED',
      `cannot read state file ${stateFile}: ${(error as Error).message}`,
      {
        file: stateFile,
        cause: error,
      },
    );
  }
  return parseStateText(text, { file: stateFile });
}
