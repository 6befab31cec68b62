import {
  CascadeError,
  type Diagnostic,
  parseCascadeFile,
  type Warning,
} from '@program-nova/parser';
import { EXIT } from '../core/cli-error.js';
import type { Command } from '../core/command.js';
import { planPath } from '../core/plan-file.js';
import { terminalText } from '../core/terminal-text.js';
import { diagnosticLines } from '../render/diagnostic-lines.js';
import { plural } from '../render/plan-text.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a CASCADE.md plan and report every problem with its line',
  usage: ['nova validate [CASCADE.md] [--json]'],
  details:
    'Parses the plan and prints one line per problem, `file:line:col error CODE message`, then the\nwarnings. Exits 0 when the plan is valid (warnings allowed) and 2 when it is not.\nThe file defaults to ./CASCADE.md.',
  examples: [
    'nova validate',
    'nova validate examples/plans/todo-api/CASCADE.md',
    'nova validate plan.md --json',
  ],
  options: {
    json: { type: 'boolean', description: 'print { file, valid, errors, warnings } as JSON' },
  },
  maxPositionals: 1,
  async run(ctx) {
    const file = planPath(ctx);
    let errors: Diagnostic[] = [];
    let warnings: Warning[] = [];
    let summary = '';
    try {
      const cascade = await parseCascadeFile(file);
      warnings = cascade.warnings;
      const groups = cascade.hierarchy.reduce((n, b) => n + b.groups.length, 0);
      summary = `${plural(cascade.tasks.length, 'task')} in ${plural(cascade.hierarchy.length, 'branch', 'branches')} and ${plural(groups, 'group')}, ${plural(cascade.waves().length, 'wave')}, critical path ${plural(cascade.criticalPath().length, 'task')}`;
    } catch (error) {
      // A missing or unreadable file is not a validation result: bin.ts reports it.
      if (!(error instanceof CascadeError) || error.code !== 'E_INVALID_CASCADE') throw error;
      errors = error.diagnostics;
      warnings = error.warnings ?? [];
    }
    const valid = errors.length === 0;
    if (ctx.values.json) {
      ctx.stdout.write(`${JSON.stringify({ file, valid, errors, warnings }, null, 2)}\n`);
      return valid ? EXIT.ok : EXIT.invalid;
    }
    const c = ctx.colors.stdout;
    const lines = diagnosticLines(errors, warnings, c);
    const shown = terminalText(file);
    const notes = warnings.length > 0 ? ` (${plural(warnings.length, 'warning')})` : '';
    lines.push(
      valid
        ? `${shown}: ${c.green('valid')}: ${summary}${notes}`
        : `${shown}: ${c.red('invalid')}: ${plural(errors.length, 'error')}${notes}`,
    );
    ctx.stdout.write(`${lines.join('\n')}\n`);
    return valid ? EXIT.ok : EXIT.invalid;
  },
};
