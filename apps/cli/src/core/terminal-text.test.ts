import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terminalLines, terminalText } from './terminal-text.js';

describe('terminalText', () => {
  it('shows escape sequences instead of running them', () => {
    expect(terminalText('\u001b]0;pwned\u0007title')).toBe('\\x1b]0;pwned\\x07title');
    expect(terminalText('\u001b[2J\u001b[H')).toBe('\\x1b[2J\\x1b[H');
    expect(terminalText('a\u009b31mb')).toBe('a\\x9b31mb');
    expect(terminalText('x\u202eevil')).toBe('x\\u202eevil');
  });

  it('keeps tabs and ordinary text, and names line breaks', () => {
    expect(terminalText('a\tb — ünïcødé 🚀')).toBe('a\tb — ünïcødé 🚀');
    expect(terminalText('one\r\ntwo')).toBe('one\\r\\ntwo');
    expect(terminalText(null)).toBe('');
  });

  it('never lets a control character through, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(terminalText(s)).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/);
      }),
    );
  });
});

describe('terminalLines', () => {
  it('keeps line breaks but escapes the rest', () => {
    expect(terminalLines('a\u001b[31m\nb\r\nc')).toBe('a\\x1b[31m\nb\nc');
  });
});
