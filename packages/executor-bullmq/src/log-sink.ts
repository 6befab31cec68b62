/**
 * The orchestrator's copy of a remote attempt's output: `logs/<id>.log`, written as the output
 * arrives, an earlier attempt's log moved aside to `<id>.log.<n>` first (as local runs do).
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { logFileName } from '@program-nova/core';
import { ensureDirectory, moveEarlierLogAside } from '@program-nova/core/node';

export class LogSink {
  readonly path: string;
  #fd = -1;
  readonly #logsDir: string;
  readonly #taskId: string;

  constructor(logsDir: string, taskId: string) {
    this.#logsDir = logsDir;
    this.#taskId = taskId;
    this.path = join(logsDir, logFileName(taskId));
  }

  write(chunk: Buffer): void {
    if (this.#fd < 0) this.#open();
    writeSync(this.#fd, chunk);
  }

  #open(): void {
    ensureDirectory(this.#logsDir);
    if (existsSync(this.path)) moveEarlierLogAside(this.#logsDir, this.#taskId);
    this.#fd = openSync(this.path, 'wx');
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }
}
