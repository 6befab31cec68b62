import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from './args.js';
import { CliError } from './cli-error.js';
import type { Command } from './command.js';

const command: Command = {
  name: 'demo',
  summary: 's',
  usage: ['nova demo [FILE]'],
  examples: ['nova demo'],
  options: {
    json: { type: 'boolean', description: 'json' },
    state: { type: 'string', description: 'state file', valueName: 'FILE' },
  },
  maxPositionals: 1,
  run: async () => 0,
};

function usageError(argv: string[]): CliError {
  try {
    parseCommandArgs(command, argv);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  }
  throw new Error('expected a usage error');
}

describe('parseCommandArgs', () => {
  it('reads options anywhere and positionals', () => {
    expect(parseCommandArgs(command, ['plan.md', '--json', '--state', 's.json'])).toEqual({
      values: { json: true, state: 's.json' },
      positionals: ['plan.md'],
    });
    expect(parseCommandArgs(command, ['-h']).values.help).toBe(true);
  });

  it('turns parseArgs errors into short usage errors naming the command', () => {
    const unknown = usageError(['--nope']);
    expect(unknown.code).toBe('E_USAGE');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.command).toBe('demo');
    expect(unknown.message).toBe('unknown option --nope');
    expect(usageError(['--state']).message).toBe('option --state needs a value');
    expect(usageError(['--json=1']).message).toBe('option --json does not take a value');
  });

  it('rejects extra positionals, but not with --help', () => {
    expect(usageError(['a', 'b', 'c']).message).toBe('unexpected arguments: b c');
    expect(parseCommandArgs(command, ['a', 'b', '--help']).values.help).toBe(true);
  });
});
