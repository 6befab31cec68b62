import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { CliError, EXIT } from '../core/cli-error.js';
import type { Command } from '../core/command.js';
import { createFolder } from '../core/create-folder.js';
import { terminalText } from '../core/terminal-text.js';
import { CASCADE_TEMPLATE, MILESTONES_TEMPLATE } from '../templates/init.js';

export const initCommand: Command = {
  name: 'init',
  summary: 'write a commented CASCADE.md template and a milestones.yaml example',
  usage: ['nova init [dir] [--force]'],
  details: [
    'Writes CASCADE.md (a small valid plan whose comments explain the format) and milestones.yaml',
    'into dir (default: the current folder). Refuses to overwrite either file unless --force.',
  ].join('\n'),
  examples: ['nova init', 'nova init my-plan && nova plan my-plan/CASCADE.md'],
  options: {
    force: { type: 'boolean', description: 'overwrite existing files' },
  },
  maxPositionals: 1,
  async run(ctx) {
    const dir = resolve(ctx.cwd, ctx.positionals[0] ?? '.');
    const files = [
      { path: join(dir, 'CASCADE.md'), text: CASCADE_TEMPLATE },
      { path: join(dir, 'milestones.yaml'), text: MILESTONES_TEMPLATE },
    ];
    const shown = (p: string) => terminalText(relative(ctx.cwd, p) || p);
    if (!ctx.values.force) {
      const existing = files.filter((f) => existsSync(f.path)).map((f) => shown(f.path));
      if (existing.length > 0) {
        throw new CliError(
          'E_INVALID_INPUT',
          `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; nothing written (use --force to overwrite)`,
        );
      }
    }
    createFolder(dir);
    for (const f of files) await writeFile(f.path, f.text);
    const c = ctx.colors.stdout;
    ctx.stdout.write(
      [
        `${c.green('Wrote')} ${files.map((f) => shown(f.path)).join(' and ')}`,
        'Next: edit the plan, then',
        `  nova validate ${shown(files[0]!.path)}`,
        `  nova run ${shown(files[0]!.path)} --agent simulated   (a dry run with the simulated agent)`,
        '',
      ].join('\n'),
    );
    return EXIT.ok;
  },
};
