import type { Colors } from './colors.js';

/** One option of a command, as node:util parseArgs takes it, plus help text. */
export interface OptionSpec {
  type: 'boolean' | 'string';
  short?: string;
  multiple?: boolean;
  /** One line for `--help`. */
  description: string;
  /** Shown as `--name <valueName>` for string options. */
  valueName?: string;
}

export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** A string option's value, or undefined when it was not given. */
export function str(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Where a command writes and what it knows about its surroundings. */
export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  stdout: Writer;
  stderr: Writer;
  /** Colours for stdout and stderr (each honours NO_COLOR and whether it is a TTY). */
  colors: { stdout: Colors; stderr: Colors };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Writer {
  write(text: string): void;
  readonly isTTY?: boolean;
}

/**
 * A `nova` subcommand. To add one: create `src/commands/<name>.ts` exporting a Command, and list it in
 * `src/commands/index.ts`. `run` resolves to the exit code; throw CliError (or any package error)
 * for failures and bin.ts turns it into a message and an exit code.
 */
export interface Command {
  name: string;
  /** One line for `nova --help`. */
  summary: string;
  /** Synopsis lines, e.g. `nova plan [CASCADE.md] [--json | --mermaid]`. */
  usage: string[];
  /** Longer help: what it does, with at least one example. */
  details?: string;
  examples: string[];
  options: Record<string, OptionSpec>;
  /** Most positionals accepted (default 0). */
  maxPositionals?: number;
  run(ctx: CommandContext): Promise<number>;
}
