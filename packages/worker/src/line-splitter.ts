/**
 * Splits a byte stream into lines without ever holding more than `maxLineBytes` of one line:
 * a child that prints gigabytes without a newline must not grow the parent's memory.
 * Works on bytes (not strings) so a multi-byte UTF-8 character split across chunks stays intact.
 */
export interface LineSplitter {
  /** Feeds bytes; calls `onLine` for every complete line (without the newline, `\r` trimmed). */
  push(chunk: Uint8Array): void;
  /** Flushes the last unterminated line. */
  end(): void;
  /** Bytes currently held for an unfinished line (never more than maxLineBytes). */
  readonly buffered: number;
  /** Lines that were longer than maxLineBytes and therefore dropped. */
  readonly oversized: number;
}

const NEWLINE = 0x0a;

export function createLineSplitter(
  onLine: (line: string) => void,
  maxLineBytes: number,
): LineSplitter {
  let parts: Uint8Array[] = [];
  let held = 0;
  // While true we are inside a line that already went past the limit: skip to its newline.
  let skipping = false;
  let oversized = 0;

  const emit = (last: Uint8Array) => {
    let bytes: Uint8Array;
    if (parts.length === 0) bytes = last;
    else {
      parts.push(last);
      bytes = Buffer.concat(parts, held + last.length);
    }
    parts = [];
    held = 0;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end -= 1;
    onLine(Buffer.from(bytes.buffer, bytes.byteOffset, end).toString('utf8'));
  };

  const hold = (piece: Uint8Array) => {
    if (skipping) return;
    if (held + piece.length > maxLineBytes) {
      parts = [];
      held = 0;
      skipping = true;
      oversized += 1;
      return;
    }
    // Copy: the chunk's memory may belong to a larger pooled buffer we should not pin.
    parts.push(Buffer.from(piece));
    held += piece.length;
  };

  return {
    push(chunk) {
      let start = 0;
      const buf = Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      while (start < buf.length) {
        const nl = buf.indexOf(NEWLINE, start);
        if (nl === -1) {
          hold(buf.subarray(start));
          return;
        }
        const piece = buf.subarray(start, nl);
        if (skipping) {
          skipping = false;
        } else if (held + piece.length > maxLineBytes) {
          parts = [];
          held = 0;
          oversized += 1;
        } else {
          emit(piece);
        }
        start = nl + 1;
      }
    },
    end() {
      if (!skipping && held > 0) emit(new Uint8Array(0));
      parts = [];
      held = 0;
      skipping = false;
    },
    get buffered() {
      return held;
    },
    get oversized() {
      return oversized;
    },
  };
}
