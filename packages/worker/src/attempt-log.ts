/**
 * One attempt's log, from the header to the footer: created while the child starts (see
 * openAttemptLog), the child's output held in memory until then, streamed with back-pressure
 * after, cut at the byte cap, and ended with a line saying how the attempt went. A log that could
 * not be written completely says so (`incomplete()`), never silently.
 */
import type { WriteStream } from 'node:fs';
import { closeSync, createWriteStream, writeSync } from 'node:fs';
import { formatBytes } from '@program-nova/core';
import { errnoCode } from '@program-nova/core/node';
import { WorkerError } from './errors.js';
import { openAttemptLog } from './log-file.js';
import { describeSystemError } from './messages.js';

/** The output's source: paused while the log cannot take more, so the child waits, not memory. */
export interface FlowControl {
  pause(): void;
  resume(): void;
}

export interface AttemptLogOptions {
  logsDir: string;
  taskId: string;
  path: string;
  header: string;
  /** Cap on the child's bytes in the log; the header, notes and footer do not count. */
  maxBytes: number;
  flow: FlowControl;
  /** The output reached the cap (called once; what follows is dropped). */
  onCap: () => void;
}

/** Output held in memory while the log is being created, before the source is paused. */
const HELD_OUTPUT_BYTES = 1024 * 1024;
/** The write stream's buffer: past it the source is paused until the file catches up. */
const STREAM_BUFFER_BYTES = 256 * 1024;
const NEWLINE = 0x0a;

type PauseReason = 'held' | 'drain';

export class AttemptLog {
  readonly path: string;
  /** Settles (never rejects) once the log is open, or known impossible (see `openError`). */
  readonly ready: Promise<void>;
  /** Why the log could not be created, once `ready` settled; null when it was. */
  openError: unknown = null;
  readonly #o: AttemptLogOptions;
  #fd = -1;
  #stream: WriteStream | null = null;
  /** Bytes to write that came before the log was open; null from then on. */
  #held: Buffer[] | null = [];
  #heldBytes = 0;
  readonly #pausedFor = new Set<PauseReason>();
  /** The child's bytes taken into the log (what the cap counts). */
  #outputBytes = 0;
  #capped = false;
  /** Whether the last byte of output ended a line: a note or the footer must start a new one. */
  #atLineStart = true;
  /** Bytes of the file written directly (header, footer), outside the stream. */
  #directBytes = 0;
  #writeError: unknown = null;

  constructor(o: AttemptLogOptions) {
    this.#o = o;
    this.path = o.path;
    this.ready = openAttemptLog(o.logsDir, o.taskId, o.header).then(
      (fd) => {
        this.#fd = fd;
        this.#directBytes = Buffer.byteLength(o.header);
        this.#releaseHeld();
      },
      (error: unknown) => {
        this.openError = error;
        this.#held = null;
        this.#heldBytes = 0;
        this.#resumeAll();
      },
    );
  }

  get capped(): boolean {
    return this.#capped;
  }

  /**
   * Takes the child's next bytes. Returns the part within the cap (all of it until the cap is
   * reached, then what fits, then nothing), which is what the log holds.
   */
  append(chunk: Buffer): Buffer {
    if (this.#capped) return chunk.subarray(0, 0);
    const room = this.#o.maxBytes - this.#outputBytes;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.#outputBytes += kept.length;
    if (kept.length > 0) {
      this.#atLineStart = kept[kept.length - 1] === NEWLINE;
      this.#write(kept);
    }
    if (chunk.length > room) {
      this.#capped = true;
      this.#write(
        Buffer.from(
          this.#ownLine(
            `# nova: output reached the log cap of ${formatBytes(this.#o.maxBytes)}; stopping the process\n`,
          ),
        ),
      );
      this.#atLineStart = true;
      // From here output is drained and dropped until the process has stopped.
      this.#resumeAll();
      this.#o.onCap();
    }
    return kept;
  }

  /**
   * Waits until every write queued so far has reached the file (or failed), so that
   * `incomplete()` knows about it. The outcome's message is decided after this.
   */
  async flush(): Promise<void> {
    await this.ready;
    const stream = this.#stream;
    if (stream === null) return;
    if (!stream.destroyed && this.#writeError === null && stream.writableLength > 0) {
      await new Promise<void>((done) => {
        stream.once('error', () => done());
        // Writes complete in order: this callback runs once everything before it is on disk.
        stream.write('', () => done());
      });
    }
    // A failed write destroys the stream at once but emits its 'error' a tick later.
    this.#writeError ??= stream.errored;
  }

  /**
   * Completes the log: waits for queued writes, then appends `footer` on a line of its own,
   * synchronously. Closing the descriptor is not awaited (the content is complete by then), which
   * saves a thread-pool round trip per attempt.
   */
  async close(footer: string): Promise<void> {
    await this.flush();
    const line = this.#ownLine(footer);
    const stream = this.#stream;
    if (stream === null) {
      // Nothing was printed: no stream, only the descriptor.
      if (this.#fd < 0) return;
      const fd = this.#fd;
      this.#fd = -1;
      this.#writeDirect(fd, line);
      try {
        closeSync(fd);
      } catch {
        // Closing a descriptor we wrote to cannot lose data on a local file system.
      }
      return;
    }
    if (this.#writeError === null && !stream.destroyed) this.#writeDirect(this.#fd, line);
    stream.destroy();
  }

  /** One line saying what the log lacks and why, or null when it holds everything. */
  incomplete(): string | null {
    if (this.openError !== null) {
      return `no log was written: ${describeSystemError(this.openError)}`;
    }
    if (this.#writeError === null) return null;
    const written = this.#directBytes + (this.#stream?.bytesWritten ?? 0);
    return `the log was cut at ${formatBytes(written)}: ${describeSystemError(this.#writeError)}`;
  }

  #ownLine(text: string): string {
    return this.#atLineStart ? text : `\n${text}`;
  }

  #write(data: Buffer): void {
    if (this.#held !== null) {
      this.#held.push(data);
      this.#heldBytes += data.length;
      if (this.#heldBytes >= HELD_OUTPUT_BYTES && !this.#capped) this.#pause('held');
      return;
    }
    if (this.#fd < 0 || this.#writeError !== null) return;
    // The stream is made on the first output: an attempt that prints nothing (a no-op task)
    // costs no stream, only the descriptor, which close() closes.
    const stream = this.#stream ?? this.#openStream();
    if (stream.destroyed) return;
    if (!stream.write(data) && !this.#capped && !this.#pausedFor.has('drain')) {
      this.#pause('drain');
      stream.once('drain', () => this.#resume('drain'));
    }
  }

  #openStream(): WriteStream {
    const stream = createWriteStream(this.path, {
      fd: this.#fd,
      highWaterMark: STREAM_BUFFER_BYTES,
    });
    stream.on('error', (error) => {
      // A log that cannot be written must not take the run down: the child keeps running, its
      // output is still parsed, and the outcome carries what the log lacks (incomplete()).
      this.#writeError ??= error;
      this.#resumeAll();
    });
    this.#stream = stream;
    return stream;
  }

  /** Writes all of `data` or records why not (a full disk takes part of a write, then refuses). */
  #writeDirect(fd: number, data: string): void {
    let rest = Buffer.from(data);
    try {
      while (rest.length > 0) {
        const n = writeSync(fd, rest);
        this.#directBytes += n;
        rest = rest.subarray(n);
      }
    } catch (error) {
      this.#writeError ??= error;
    }
  }

  /** The log is open: what came before it is written now. */
  #releaseHeld(): void {
    const held = this.#held ?? [];
    this.#held = null;
    this.#heldBytes = 0;
    for (const data of held) this.#write(data);
    this.#resume('held');
  }

  #pause(reason: PauseReason): void {
    if (this.#pausedFor.has(reason)) return;
    this.#pausedFor.add(reason);
    if (this.#pausedFor.size === 1) this.#o.flow.pause();
  }

  #resume(reason: PauseReason): void {
    if (!this.#pausedFor.delete(reason)) return;
    if (this.#pausedFor.size === 0) this.#o.flow.resume();
  }

  #resumeAll(): void {
    if (this.#pausedFor.size === 0) return;
    this.#pausedFor.clear();
    this.#o.flow.resume();
  }
}

/**
 * The attempt's log could not be created (or its header written): the machine's failure, not the
 * task's, so the task was not run and is not charged an attempt.
 */
export function logUnavailableError(
  taskId: string,
  logsDir: string,
  logPath: string,
  error: unknown,
): WorkerError {
  return new WorkerError(
    'LOG_UNAVAILABLE',
    `Task ${taskId}: not run, as its log cannot be written in the logs folder ${logsDir}: ${describeSystemError(error)}.`,
    { path: logPath, errno: errnoCode(error) ?? null, cause: error },
  );
}
