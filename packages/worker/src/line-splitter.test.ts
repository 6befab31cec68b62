import { describe, expect, it } from 'vitest';
import { createLineSplitter } from './line-splitter.js';

const collect = (max = 1024) => {
  const lines: string[] = [];
  const s = createLineSplitter((l) => lines.push(l), max);
  return { lines, s };
};

describe('createLineSplitter', () => {
  it('splits across arbitrary chunk boundaries, trims \\r, flushes the last line', () => {
    const { lines, s } = collect();
    for (const part of ['ab', 'c\r\nde', 'f\n\ng', 'h']) s.push(Buffer.from(part));
    s.end();
    expect(lines).toEqual(['abc', 'def', '', 'gh']);
  });

  it('keeps a multi-byte character split between chunks intact', () => {
    const { lines, s } = collect();
    const bytes = Buffer.from('é🚀\n');
    for (const b of bytes) s.push(Uint8Array.of(b));
    expect(lines).toEqual(['é🚀']);
  });

  it('drops a line longer than the limit without holding it, then goes on', () => {
    const { lines, s } = collect(100);
    const big = Buffer.alloc(64, 0x78);
    for (let i = 0; i < 10_000; i++) {
      s.push(big);
      expect(s.buffered).toBeLessThanOrEqual(100);
    }
    s.push(Buffer.from('\nnext\n'));
    s.push(Buffer.from(`${'y'.repeat(150)}\nlast`));
    s.end();
    expect(lines).toEqual(['next', 'last']);
    expect(s.oversized).toBe(2);
  });

  it('accepts a line of exactly the limit', () => {
    const { lines, s } = collect(5);
    s.push(Buffer.from('12345\n123456\n'));
    expect(lines).toEqual(['12345']);
  });
});
