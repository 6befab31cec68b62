/**
 * A `sh` or `console` block as the commands it runs, without a shell: each line (a trailing `\`
 * joins the next) is split into argv by core's splitCommand, the rule every Nova command template
 * follows. Understood besides words and quotes: `a && b` (b runs only when a exits 0), leading
 * `NAME=value` words (that command's environment) and `# comments`. Anything else a shell would
 * interpret (pipes, redirections, `$`, globs, `;`) is refused: such a block cannot run as written
 * here, so it must be marked skip with its reason.
 */
import { splitCommand } from '@program-nova/core';

export interface Command {
  /** 1-based line of the block (within the block's code) where the command's line starts. */
  line: number;
  argv: string[];
  env: Record<string, string>;
}

/** Unquoted characters that mean shell syntax this runner does not have. */
const SHELL_ONLY = new Set(['|', '>', '<', ';', '$', '`', '(', ')', '*', '&']);

/**
 * Cuts one line at unquoted `&&`, drops an unquoted `# comment`, and refuses other shell syntax.
 * Returns the segments' text, still quoted (splitCommand reads the quotes).
 */
function segments(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (quote === '"' && (c === '$' || c === '`')) {
        // A shell expands these inside double quotes too.
        throw new Error(`'${c}' is shell syntax; this block cannot run without a shell`);
      } else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '\\') i++;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      out.push(text.slice(start, i));
      return out;
    } else if (c === '&' && text[i + 1] === '&') {
      out.push(text.slice(start, i));
      start = i + 2;
      i++;
    } else if (SHELL_ONLY.has(c)) {
      throw new Error(`'${c}' is shell syntax; this block cannot run without a shell`);
    }
  }
  out.push(text.slice(start));
  return out;
}

export function parseCommands(code: string, language: 'sh' | 'console'): Command[] {
  const lines = code.split('\n');
  const commands: Command[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = i;
    let text = lines[i]!;
    if (language === 'console') {
      // Only prompt lines are commands; the rest is the output they print.
      if (!text.startsWith('$ ')) continue;
      text = text.slice(2);
    }
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]}`;
    let parts: string[];
    try {
      parts = segments(text);
    } catch (error) {
      throw new Error(`line ${first + 1}: ${(error as Error).message}`);
    }
    const words = parts.map((p) => splitCommand(p));
    if (words.length > 1 && words.some((w) => w.length === 0)) {
      throw new Error(`line ${first + 1}: '&&' needs a command on each side`);
    }
    for (const argv of words) {
      if (argv.length === 0) continue;
      const env: Record<string, string> = {};
      while (argv.length > 1 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0]!)) {
        const assignment = argv.shift()!;
        const at = assignment.indexOf('=');
        env[assignment.slice(0, at)] = assignment.slice(at + 1);
      }
      commands.push({ line: first + 1, argv, env });
    }
  }
  return commands;
}
