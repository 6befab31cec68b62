/**
 * A block of lines redrawn in place at the bottom of a terminal, with permanent lines printed above
 * it. A redraw moves the cursor up by the number of lines the last frame took, so no frame line may
 * wrap: each is clipped by terminal columns (wide characters and emoji take two), one column short
 * of the width so that a line is never written into the last column either. A frame taller than
 * the screen is cut too, since the cursor cannot move up past the top of the screen.
 */
import type { Writer } from '../../core/command.js';
import { clipColumns } from '../../core/terminal-columns.js';

/** A writer that knows the size of its terminal (a TTY stream has columns and rows). */
export interface TerminalWriter extends Writer {
  readonly columns?: number;
  readonly rows?: number;
}

export const HIDE_CURSOR = '\u001b[?25l';
export const SHOW_CURSOR = '\u001b[?25h';
/** Clears from the cursor to the end of the screen. */
const CLEAR_BELOW = '\u001b[0J';
/** Moves the cursor to the start of the line `n` lines up. */
const linesUp = (n: number) => `\u001b[${n}F`;

export class LiveBlock {
  /** Lines the frame on screen takes. */
  private height = 0;
  private closed = false;
  /** The cursor comes back on this block's own writer, also when the process ends without close(). */
  private readonly restoreCursor = () => this.out.write(SHOW_CURSOR);

  constructor(private readonly out: TerminalWriter) {
    out.write(HIDE_CURSOR);
    process.once('exit', this.restoreCursor);
  }

  /** Replaces the frame on screen by `frame`. */
  draw(frame: readonly string[]): void {
    if (this.closed) return;
    this.out.write(`${this.clear()}${this.fit(frame)}`);
  }

  /** Prints `line` for good above the block and draws `frame` below it, in one write. */
  above(line: string, frame: readonly string[]): void {
    if (this.closed) {
      this.out.write(`${line}\n`);
      return;
    }
    this.out.write(`${this.clear()}${line}\n${this.fit(frame)}`);
  }

  /** Leaves the last frame on screen and shows the cursor again. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.out.write(SHOW_CURSOR);
    process.removeListener('exit', this.restoreCursor);
  }

  private clear(): string {
    return this.height > 0 ? `${linesUp(this.height)}${CLEAR_BELOW}` : '';
  }

  private fit(frame: readonly string[]): string {
    const columns = Math.max(1, (this.out.columns || 80) - 1);
    const rows = Math.max(1, (this.out.rows || 24) - 1);
    const shown = frame.length > rows ? frame.slice(0, rows) : frame;
    this.height = shown.length;
    return shown.length === 0 ? '' : `${shown.map((l) => clipColumns(l, columns)).join('\n')}\n`;
  }
}
