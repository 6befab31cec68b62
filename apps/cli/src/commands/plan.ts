import { CliError, EXIT } from '../core/cli-error.js';
import type { Command } from '../core/command.js';
import { loadPlan, planPath } from '../core/plan-file.js';
import { diagnosticLines } from '../render/diagnostic-lines.js';
import { planMermaid } from '../render/mermaid.js';
import { planJson } from '../render/plan-json.js';
import { planText } from '../render/plan-text.js';

export const planCommand: Command = {
  name: 'plan',
  summary: 'show a plan: project, counts, waves and the critical path',
  usage: ['nova plan [CASCADE.md] [--json | --mermaid]'],
  details:
    'Waves group tasks by the earliest step they could run in; the critical path is the longest\nchain of dependent tasks. --json prints { projectName, tasks, hierarchy, waves, criticalPath }\n(waves 0-based); --mermaid prints a flowchart with a subgraph per branch and per group.\nWarnings go to stderr. The file defaults to ./CASCADE.md; an invalid plan exits 2.',
  examples: [
    'nova plan',
    'nova plan examples/plans/todo-api/CASCADE.md --json > plan.json',
    'nova plan --mermaid > plan.mmd',
  ],
  options: {
    json: { type: 'boolean', description: 'print the plan as JSON' },
    mermaid: { type: 'boolean', description: 'print a Mermaid flowchart' },
  },
  maxPositionals: 1,
  async run(ctx) {
    if (ctx.values.json && ctx.values.mermaid) {
      throw new CliError('E_USAGE', '--json and --mermaid cannot be used together', {
        command: 'plan',
      });
    }
    const cascade = await loadPlan(ctx);
    if (cascade.warnings.length > 0) {
      ctx.stderr.write(`${diagnosticLines([], cascade.warnings, ctx.colors.stderr).join('\n')}\n`);
    }
    if (ctx.values.json) ctx.stdout.write(`${JSON.stringify(planJson(cascade), null, 2)}\n`);
    else if (ctx.values.mermaid) ctx.stdout.write(planMermaid(cascade));
    else ctx.stdout.write(planText(cascade, planPath(ctx), ctx.colors.stdout));
    return EXIT.ok;
  },
};
