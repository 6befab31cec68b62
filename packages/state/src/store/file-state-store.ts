/**
 * The open state: transitions applied in memory and appended to the journal in batches (one write
 * per batch), snapshots written atomically on a timer, never ahead of the journal, and nothing
 * written at all once the lease is lost or a write failed.
 */
import { fdatasync, close as fsClose, open as fsOpen, write as fsWrite } from 'node:fs';
import { applyTransition, transitionProblem } from '../apply.js';
import { StateError } from '../errors.js';
import type { CascadeState, JournalEntry, Transition } from '../types.js';
import { replaceFileAtomic } from './fs-util.js';
import type { Lease, Warn } from './lease.js';
import type { StateStore, StoreStats } from './open-store.js';
import type { SnapshotText } from './snapshot-text.js';

interface Waiter {
  entry: JournalEntry;
  resolve: (e: JournalEntry) => void;
  reject: (e: unknown) => void;
}

export function openAppend(path: string): Promise<number> {
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

export class FileStateStore implements StateStore {
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
