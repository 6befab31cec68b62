import { fdatasync, close as fsClose, open as fsOpen, write as fsWrite } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ensureDirectory, errnoCode } from '@program-nova/core/node';
import { applyTransition, transitionProblem } from '../apply.js';
import { StateError } from '../errors.js';
import type { CascadeState, JournalEntry, Transition } from '../types.js';
import { parseStateText, validateState } from '../validate.js';
import { removeStaleTemps, replaceFileAtomic } from './fs-util.js';
import { parseJournal } from './journal.js';
import {
  acquireLease,
  holderLiveness,
  inspectLock,
  type Lease,
  type LockInfo,
  pidAlive,
  removeLock,
  type Warn,
} from './lease.js';
import { SnapshotText } from './snapshot-text.js';

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

export function journalPathFor(stateFile: string): string {
  return `${stateFile}.journal`;
}

export function lockPathFor(stateFile: string): string {
  return `${stateFile}.lock`;
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

interface Waiter {
  entry: JournalEntry;
  resolve: (e: JournalEntry) => void;
  reject: (e: unknown) => void;
}

function openAppend(path: string): Promise<number> {
  return new Promise((res, rej) =>
    fsOpen(path, 'a', 0o644, (err, fd) => (err ? rej(err) : res(fd))),
  );
}

function writeAll(fd: number, buf: Buffer, done: (err: Error | null) => void, offset = 0): void {
  fsWrite(fd, buf, offset, buf.length - offset, null, (err, written) => {
    if (err) return done(err);
    if (offset + written < buf.length) return writeAll(fd, buf, done, offset + written);
    done(null);
  });
}

class FileStateStore implements StateStore {
  readonly stats: StoreStats = { recorded: 0, journalWrites: 0, snapshots: 0, seq: 0 };
  #state: CascadeState;
  #seq: number;
  #writtenSeq: number;
  #snapshotSeq: number;
  #queue: string[] = [];
  #waiters: Waiter[] = [];
  #writing = false;
  #drainWaiters: { seq: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  #failed: StateError | null = null;
  #closing: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #snapshotChain: Promise<void> = Promise.resolve();

  constructor(
    readonly stateFile: string,
    readonly journalFile: string,
    readonly lockFile: string,
    state: CascadeState,
    private readonly fd: number,
    private readonly lease: Lease,
    private readonly intervalMs: number,
    private readonly syncJournal: boolean,
    private readonly warn: Warn,
    /** Holds the pieces of the snapshot written at open, so the next one re-encodes only changes. */
    private readonly text: SnapshotText,
  ) {
    this.#state = state;
    this.#seq = this.#writtenSeq = this.#snapshotSeq = state.journal_seq ?? 0;
    this.stats.seq = this.#seq;
  }

  get state(): CascadeState {
    return this.#state;
  }

  record(t: Transition): Promise<JournalEntry> {
    if (this.#closing)
      return Promise.reject(
        new StateError('STATE_CLOSED', `the store of ${this.stateFile} is closed`),
      );
    if (this.#failed) return Promise.reject(this.#failed);
    const problem = transitionProblem(t);
    if (problem !== null) return Promise.reject(new StateError('INVALID_TRANSITION', problem));
    const entry = { seq: 0, ...t } as JournalEntry;
    entry.seq = this.#seq + 1; // after the spread: a caller's own `seq` never wins; the key stays first
    let line: string;
    try {
      line = `${JSON.stringify(entry)}\n`;
      // Applied first: a transition the state refuses (unknown task) never reaches the journal.
      applyTransition(this.#state, entry);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#seq = entry.seq;
    this.stats.recorded++;
    if (entry.type === 'plan_reconciled') this.text.reset();
    else if ('id' in entry && entry.type !== 'milestone_reached') this.text.touch(entry.id);
    return new Promise<JournalEntry>((resolve, reject) => {
      this.#queue.push(line);
      this.#waiters.push({ entry, resolve, reject });
      this.#pump();
      this.#schedule();
    });
  }

  /** One write(2) per batch: everything recorded while the previous write was in flight. */
  #pump(): void {
    if (this.#writing || this.#queue.length === 0 || this.#failed) return;
    if (!this.#leaseHolds([])) return;
    this.#writing = true;
    const buf = Buffer.from(this.#queue.join(''));
    const waiters = this.#waiters;
    this.#queue = [];
    this.#waiters = [];
    const finish = (err: Error | null): void => {
      this.#writing = false;
      if (err) {
        this.#fail(err, waiters);
        return;
      }
      this.stats.journalWrites++;
      this.#writtenSeq = waiters[waiters.length - 1]!.entry.seq;
      this.stats.seq = this.#writtenSeq;
      for (const w of waiters) w.resolve(w.entry);
      this.#drainWaiters = this.#drainWaiters.filter((d) => {
        if (d.seq > this.#writtenSeq) return true;
        d.resolve();
        return false;
      });
      this.#pump();
    };
    writeAll(this.fd, buf, (err) => {
      if (err || !this.syncJournal) finish(err);
      else fdatasync(this.fd, finish);
    });
  }

  /**
   * Every write starts here: once the lease is gone (its lock file removed or replaced), another
   * process may be writing the state, so this store writes nothing more, ever.
   */
  #leaseHolds(waiters: Waiter[]): boolean {
    if (this.#failed) return false;
    const lost = this.lease.lost();
    if (lost === null) return true;
    this.#fail(
      new StateError(
        'LEASE_LOST',
        `lost the lease on ${this.stateFile}: ${lost}. Another process may be writing this state, so nothing more was written.`,
        { file: this.stateFile },
      ),
      waiters,
    );
    return false;
  }

  #fail(err: Error, waiters: Waiter[]): void {
    // The in-memory state now holds transitions the journal lacks: stop writing anything (journal or
    // snapshot) so the files keep describing only confirmed transitions.
    this.#failed =
      err instanceof StateError
        ? err
        : new StateError(
            'STATE_WRITE_FAILED',
            `cannot append to the journal ${this.journalFile}: ${err.message}. The store has stopped; transitions from here on are not recorded.`,
            { file: this.journalFile, cause: err },
          );
    for (const w of [...waiters, ...this.#waiters]) w.reject(this.#failed);
    for (const d of this.#drainWaiters) d.reject(this.#failed);
    this.#waiters = [];
    this.#queue = [];
    this.#drainWaiters = [];
  }

  /** Resolves once every transition up to `seq` is in the journal file. */
  #written(seq: number): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed);
    if (seq <= this.#writtenSeq) return Promise.resolve();
    return new Promise((resolve, reject) => this.#drainWaiters.push({ seq, resolve, reject }));
  }

  #schedule(): void {
    if (this.#timer !== null || this.#closing) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#snapshot().catch((error: unknown) => {
        this.warn({
          code: 'SNAPSHOT_FAILED',
          message: `could not write the snapshot ${this.stateFile}: ${(error as Error).message}; the journal still has every transition`,
        });
      });
    }, this.intervalMs);
    this.#timer.unref();
  }

  /** Snapshots run one at a time; each covers everything applied when it starts. */
  #snapshot(force = false): Promise<void> {
    const run = this.#snapshotChain.then(() => this.#writeSnapshot(force));
    this.#snapshotChain = run.catch(() => {});
    return run;
  }

  async #writeSnapshot(force: boolean): Promise<void> {
    if (this.#failed) throw this.#failed;
    const seq = this.#seq;
    if (seq === this.#snapshotSeq && !force) return;
    this.#state.journal_seq = seq;
    const chunks = this.text.chunks(this.#state);
    // The snapshot may never run ahead of the journal: publish it only once its transitions are there.
    await this.#written(seq);
    if (!this.syncJournal)
      await new Promise<void>((res, rej) => fdatasync(this.fd, (e) => (e ? rej(e) : res())));
    if (!this.#leaseHolds([])) throw this.#failed;
    await replaceFileAtomic(this.stateFile, chunks);
    this.#snapshotSeq = seq;
    this.stats.snapshots++;
    if (this.#seq > seq) this.#schedule();
  }

  async flush(): Promise<void> {
    if (this.#closing)
      throw new StateError('STATE_CLOSED', `the store of ${this.stateFile} is closed`);
    await this.#snapshot();
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    try {
      if (!this.#failed) {
        await this.#written(this.#seq);
        await this.#snapshot();
        // Everything is in the snapshot (journal_seq): a fresh journal replays nothing.
        if (this.#leaseHolds([])) await replaceFileAtomic(this.journalFile, '');
      }
    } finally {
      await new Promise<void>((res) => fsClose(this.fd, () => res()));
      await this.lease.release();
    }
  }
}

/**
 * The lease is the first guard; the state's own record of its writer is the second. A run whose
 * lock file was removed by hand (or by `nova unlock --force`) is still recorded in the state as
 * running: while that process is alive, taking the state over would reap its live tasks and make
 * two writers. Checked before anything is written.
 */
function refuseIfRecordedWriterAlive(file: string, state: CascadeState): void {
  const { orchestrator_pid: pid, orchestrator_host: host } = state.project;
  // Without a host (a state written before Nova recorded it) the pid alone proves nothing.
  if (pid === null || pid === process.pid || !host) return;
  const liveness = recordedWriterLiveness(state);
  if (liveness === 'dead' || liveness === null) return;
  throw new StateError(
    'STATE_LOCKED',
    liveness === 'alive'
      ? `${file} is being run by pid ${pid}, which is still running, although its lock file is missing or not its own. Only one orchestrator may write a state file: wait for that run to end or stop it.`
      : `${file} is being run by pid ${pid} on host ${host}, which cannot be checked from here, and its lock file is missing or not its own. Only one orchestrator may write a state file.`,
    { file, holderPid: pid },
  );
}

/**
 * Whether the run a state records as writing it is still running: its pid, host and process start
 * time are checked, so a reused pid is not taken for it. Null when no run is recorded. A state
 * written before Nova recorded the host is judged by its pid alone.
 */
export function recordedWriterLiveness(state: CascadeState): 'alive' | 'dead' | 'unknown' | null {
  const { orchestrator_pid: pid, orchestrator_host: host, orchestrator_start } = state.project;
  if (pid === null || pid === undefined) return null;
  if (!host) return pidAlive(pid) ? 'alive' : 'dead';
  return holderLiveness({
    pid,
    hostname: host,
    ...(orchestrator_start ? { proc_start: orchestrator_start } : {}),
  });
}

/** The lock of a state file and whether its holder runs (null when the state is not locked). */
export function inspectStateLock(stateFile: string): Promise<LockInfo | null> {
  const file = resolve(stateFile);
  return inspectLock(lockPathFor(file));
}

/**
 * Removes the lock of a state file whose holder is gone (`nova unlock`); refuses while it runs.
 * Resolves to what was removed, or null when there was no lock.
 */
export function unlockState(
  stateFile: string,
  options: { force?: boolean } = {},
): Promise<LockInfo | null> {
  const file = resolve(stateFile);
  return removeLock(file, lockPathFor(file), options);
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
