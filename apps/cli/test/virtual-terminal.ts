/**
 * For tests: a strict model of the terminal the live view draws on. It knows exactly the sequences
 * Nova emits (SGR colours, cursor hide/show, lines up, clear below) and throws on anything else: an
 * unknown escape sequence, a control character, a carriage return that would overwrite a line. It
 * counts line wraps and attempts to move above the top of the screen, the two things that break a
 * redraw's line count.
 */
import stringWidth from 'string-width';
import type { TerminalWriter } from '../src/run/view/live-block.js';

const SEQUENCE = /^\u001b\[([?0-9;]*)([A-Za-z])/;
const segmenter = new Intl.Segmenter();

export class VirtualTerminal implements TerminalWriter {
  readonly isTTY = true;
  /** Lines scrolled off the top of the screen. */
  readonly scrolledOff: string[] = [];
  /** The visible rows, top first (only as many as have been written to). */
  readonly screen: string[] = [''];
  cursorVisible = true;
  /** Times text ran past the last column and the terminal wrapped it. */
  wraps = 0;
  /** Times a cursor movement asked to go above the top of the screen. */
  pastTop = 0;
  /** Everything written, as it was written. */
  written = '';
  private row = 0;
  private column = 0;

  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {}

  /** What the user can scroll through: the lines that scrolled off, then the screen. */
  get transcript(): string[] {
    const upToCursor = this.screen.slice(0, this.column > 0 ? this.row + 1 : this.row);
    return [...this.scrolledOff, ...upToCursor];
  }

  write(text: string): void {
    this.written += text;
    let i = 0;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '\u001b') {
        const m = SEQUENCE.exec(text.slice(i, i + 32));
        if (!m) throw new Error(`unknown escape sequence ${JSON.stringify(text.slice(i, i + 12))}`);
        this.sequence(m[1]!, m[2]!);
        i += m[0].length;
      } else if (ch === '\n') {
        this.newLine();
        i++;
      } else if (ch === '\r') {
        if (text[i + 1] !== '\n') throw new Error('a bare carriage return would overwrite a line');
        this.column = 0;
        i++;
      } else {
        let end = text.indexOf('\u001b', i);
        const nl = text.slice(i).search(/[\r\n]/);
        if (end < 0) end = text.length;
        if (nl >= 0) end = Math.min(end, i + nl);
        this.print(text.slice(i, end));
        i = end;
      }
    }
  }

  private sequence(params: string, final: string): void {
    if (final === 'm' && /^[0-9;]*$/.test(params)) return;
    if (final === 'l' && params === '?25') this.cursorVisible = false;
    else if (final === 'h' && params === '?25') this.cursorVisible = true;
    else if (final === 'F' && /^\d+$/.test(params)) {
      const up = Number(params);
      if (up > this.row) this.pastTop++;
      this.row = Math.max(0, this.row - up);
      this.column = 0;
    } else if (final === 'J' && (params === '0' || params === '')) {
      this.screen[this.row] = cut(this.screen[this.row]!, this.column);
      this.screen.length = this.row + 1;
    } else throw new Error(`a sequence Nova does not emit: ESC [${params}${final}`);
  }

  private print(text: string): void {
    if (/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/.test(text)) {
      throw new Error(`a control character reached the terminal: ${JSON.stringify(text)}`);
    }
    for (let { segment } of segmenter.segment(text)) {
      if (segment === '\t') {
        // To the next tab stop, never past the last column.
        segment = ' '.repeat(
          Math.max(0, Math.min(this.columns, (this.column >> 3) * 8 + 8) - this.column),
        );
      }
      const w = stringWidth(segment);
      if (this.column + w > this.columns) {
        this.wraps++;
        this.newLine();
      }
      const line = this.screen[this.row]!;
      if (stringWidth(line) !== this.column) throw new Error('writing over text is not modelled');
      this.screen[this.row] = line + segment;
      this.column += w;
    }
  }

  private newLine(): void {
    this.column = 0;
    if (this.row === this.rows - 1) {
      this.scrolledOff.push(this.screen.shift()!);
      this.screen.push('');
    } else {
      this.row++;
      if (this.screen.length <= this.row) this.screen.push('');
    }
  }
}

/** `line` cut to its first `columns` columns. */
function cut(line: string, columns: number): string {
  let out = '';
  for (const { segment } of segmenter.segment(line)) {
    if (stringWidth(out + segment) > columns) break;
    out += segment;
  }
  return out;
}

/** Text without Nova's colour sequences. */
export function withoutColour(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
