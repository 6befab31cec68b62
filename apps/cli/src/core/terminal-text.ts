/**
 * Text from a plan, a state file or an agent is data, never terminal instructions. Before such a
 * string reaches a terminal, every control character (C0 but tab, DEL, C1) and every bidirectional
 * override is replaced by a visible escape, so an escape sequence shows as `\x1b[2J` instead of
 * clearing the screen, and a newline cannot forge a line of Nova's own output. JSON output is never
 * passed through this: it stays exact.
 */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

function visible(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control character shown as a visible escape (tabs kept). */
export function terminalText(text: string | null | undefined): string {
  if (text === null || text === undefined) return '';
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, visible) : text;
}

/** Like terminalText, but line breaks stay line breaks (for multi-line reasons and logs). */
export function terminalLines(text: string | null | undefined): string {
  if (text === null || text === undefined) return '';
  return text
    .split(/\r?\n/)
    .map((line) => terminalText(line))
    .join('\n');
}
