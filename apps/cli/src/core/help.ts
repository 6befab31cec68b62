import { COMMON_OPTIONS } from './args.js';
import type { Colors } from './colors.js';
import type { Command, OptionSpec } from './command.js';

export function commandHelp(command: Command, c: Colors): string {
  const lines: string[] = [];
  lines.push(`${c.bold(`nova ${command.name}`)} - ${command.summary}`, '');
  lines.push(c.bold('Usage'));
  for (const u of command.usage) lines.push(`  ${u}`);
  if (command.details)
    lines.push('', ...command.details.split('\n').map((l) => (l ? `  ${l}` : l)));
  const options: Record<string, OptionSpec> = { ...command.options, ...COMMON_OPTIONS };
  lines.push('', c.bold('Options'));
  const labels = Object.entries(options).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '    ';
    const value = spec.type === 'string' ? ` <${spec.valueName ?? name}>` : '';
    return [`${short}--${name}${value}`, spec.description] as const;
  });
  const width = Math.max(...labels.map(([l]) => l.length));
  for (const [label, description] of labels) lines.push(`  ${label.padEnd(width)}  ${description}`);
  lines.push('', c.bold('Examples'));
  for (const e of command.examples) lines.push(`  ${e}`);
  return `${lines.join('\n')}\n`;
}

export function mainHelp(commands: readonly Command[], version: string, c: Colors): string {
  const width = Math.max(...commands.map((cmd) => cmd.name.length));
  const lines = [
    `${c.bold('nova')} ${version} - run a CASCADE.md plan as a dependency graph of coding agents`,
    '',
    c.bold('Usage'),
    '  nova <command> [options]',
    '',
    c.bold('Commands'),
    ...commands.map((cmd) => `  ${cmd.name.padEnd(width)}  ${cmd.summary}`),
    '',
    c.bold('Options'),
    '  -h, --help     show help (also: nova <command> --help)',
    '  -V, --version  print the version',
    '',
    'Exit codes: 0 success, 1 tasks failed or blocked, 2 invalid input or usage, 130 interrupted.',
    'Environment: NO_COLOR disables colour; NOVA_DEBUG=1 prints stack traces of internal errors.',
  ];
  return `${lines.join('\n')}\n`;
}
