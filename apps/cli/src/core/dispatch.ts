import { editDistance } from '@program-nova/core';
import { parseCommandArgs } from './args.js';
import { CliError, EXIT } from './cli-error.js';
import type { Command, CommandContext } from './command.js';
import { commandHelp, mainHelp } from './help.js';

export type Io = Omit<CommandContext, 'values' | 'positionals'>;

/** Picks the command from argv and runs it; resolves to the exit code. Errors propagate to bin.ts. */
export async function dispatch(
  argv: string[],
  commands: readonly Command[],
  version: string,
  io: Io,
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(mainHelp(commands, version, io.colors.stderr));
    return EXIT.invalid;
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(mainHelp(commands, version, io.colors.stdout));
    return EXIT.ok;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`${version}\n`);
    return EXIT.ok;
  }
  if (first === 'help') {
    const target = rest[0] === undefined ? undefined : findCommand(commands, rest[0]);
    io.stdout.write(
      target
        ? commandHelp(target, io.colors.stdout)
        : mainHelp(commands, version, io.colors.stdout),
    );
    return EXIT.ok;
  }
  if (first.startsWith('-'))
    throw new CliError('E_USAGE', `unknown option ${first} (options go after the command)`);
  const command = findCommand(commands, first);
  const { values, positionals } = parseCommandArgs(command, rest);
  if (values.help) {
    io.stdout.write(commandHelp(command, io.colors.stdout));
    return EXIT.ok;
  }
  return command.run({ ...io, values, positionals });
}

function findCommand(commands: readonly Command[], name: string): Command {
  const found = commands.find((c) => c.name === name);
  if (found) return found;
  const close = commands.find((c) => editDistance(c.name, name, 2) <= 2 || c.name.startsWith(name));
  throw new CliError(
    'E_USAGE',
    `unknown command '${name}'${close ? `; did you mean '${close.name}'?` : ''} (commands: ${commands.map((c) => c.name).join(', ')})`,
  );
}
