/**
 * A command given as one string (a worker, a verify or a hook command) is split into argv here,
 * never handed to a shell:
 * whitespace separates arguments, single or double quotes group them, a backslash escapes the
 * next character outside single quotes. Nothing else is special.
 */
export function splitCommand(command: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inArg = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) cur += command[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inArg = true;
    } else if (c === '\\' && i + 1 < command.length) {
      cur += command[++i];
      inArg = true;
    } else if (/\s/.test(c)) {
      if (inArg) out.push(cur);
      cur = '';
      inArg = false;
    } else {
      cur += c;
      inArg = true;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} quote`);
  if (inArg) out.push(cur);
  return out;
}
