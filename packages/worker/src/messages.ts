/** Human wording shared by the failure messages. */
import { errnoCode } from '@program-nova/core/node';

export function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

export function lastNonEmptyLine(text: string): string {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (line !== '') return line;
  }
  return '';
}

/**
 * A system error as `ENOSPC (no space left on device)`: the errno a person can search for, and
 * what it means, without the syscall and path Node appends (the message names the path itself).
 */
export function describeSystemError(error: unknown): string {
  const code = errnoCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const known = /^([A-Z][A-Z0-9_]*): ([^,]+)/.exec(message);
  if (code !== undefined && known?.[1] === code) return `${code} (${known[2]!.trim()})`;
  if (code !== undefined && !message.includes(code)) return `${code} (${message})`;
  return message;
}
