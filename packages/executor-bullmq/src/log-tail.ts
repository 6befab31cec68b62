/**
 * Follows a log file as it grows and hands each new piece on: how a worker ships an attempt's
 * output (written by @program-nova/worker) to the orchestrator while the agent runs.
 */
import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK = 64 * 1024;

export class LogTail {
  #fd = -1;
  #offset = 0;
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  /** Everything written since the last call (empty when nothing new or no file yet). */
  read(): Buffer[] {
    if (this.#fd < 0) {
      try {
        this.#fd = openSync(this.#path, 'r');
      } catch {
        return [];
      }
    }
    const pieces: Buffer[] = [];
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const n = readSync(this.#fd, buf, 0, CHUNK, this.#offset);
      if (n <= 0) break;
      this.#offset += n;
      pieces.push(buf.subarray(0, n));
      if (n < CHUNK) break;
    }
    return pieces;
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }
}
