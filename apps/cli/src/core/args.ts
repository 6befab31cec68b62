import { parseArgs } from 'node:util';
import { CliError } from './cli-error.js';
import type { Command, OptionSpec, OptionValues } from './command.js';

/** Options every command accepts. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

/**
 * Parses a command's arguments with node:util parseArgs (strict: unknown options are errors) and
 * turns its TypeErrors into usage errors that name the command.
 */
export function parseCommandArgs(
  command: Command,
  argv: string[],
): { values: OptionValues; positionals: string[] } {
  const options: Record<
    string,
    { type: 'boolean' | 'string'; short?: string; multiple?: boolean }
  > = {};
  for (const [name, spec] of Object.entries({ ...COMMON_OPTIONS, ...command.options })) {
    options[name] = {
      type: spec.type,
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.multiple ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError('E_USAGE', usageMessage(error), { command: command.name, cause: error });
  }
  const values = parsed.values as OptionValues;
  if (!values.help && parsed.positionals.length > (command.maxPositionals ?? 0)) {
    const extra = parsed.positionals.slice(command.maxPositionals ?? 0);
    throw new CliError(
      'E_USAGE',
      `unexpected argument${extra.length > 1 ? 's' : ''}: ${extra.join(' ')}`,
      {
        command: command.name,
      },
    );
  }
  return { values, positionals: parsed.positionals };
}

/** parseArgs messages are long and mention internals; keep what the user needs. */
function usageMessage(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const message = e.message ?? String(error);
  const option = message.match(/'(-{1,2}[^' ]+)/)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (message.includes('argument missing'))
        return `option ${option ?? ''} needs a value`.replace('  ', ' ');
      if (message.includes('ambiguous'))
        return `option ${option ?? ''} needs a value (for one starting with "-", write ${option ?? '--option'}=-...)`;
      return `option ${option ?? ''} does not take a value`.replace('  ', ' ');
    default:
      return message;
  }
}
