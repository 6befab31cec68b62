import type { Command } from '../core/command.js';
import { loadConfig } from '../core/config.js';
import { planPath } from '../core/plan-file.js';
import { runPlan } from '../run/run-plan.js';
import { RUN_OPTIONS, resolveRunSettings } from '../run/settings.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'run a plan: each task by a worker, up to N at once, in dependency order',
  usage: ['nova run [CASCADE.md] [options]'],
  details: [
    'Runs every task whose dependencies are done, critical path first, with up to --max-workers',
    'at once. Progress goes to the state file (resumable: completed tasks are kept, so running',
    'again continues where it stopped). On a terminal a live view redraws in place; otherwise',
    'one line per event. The worker is Claude Code by default (`claude -p --output-format',
    'stream-json --verbose --model {model} --dangerously-skip-permissions`, prompt on stdin);',
    '--worker-cmd takes any argv template with {id} {name} {description} {branch} {group}',
    '{project} {model} {prompt}, split into arguments without a shell.',
    'Settings may also come from nova.config.json beside the plan (flags win).',
    'With --dashboard the page stays up after the run (until Ctrl-C on a terminal, else 30 s:',
    'NOVA_DASHBOARD_GRACE); off loopback (--host) it needs a token, printed in its URL.',
    'Exit: 0 all done, 1 tasks failed or blocked, 2 invalid input or state locked, 130 Ctrl-C.',
  ].join('\n'),
  examples: [
    'nova run',
    'nova run plan/CASCADE.md --max-workers 5 --retries 1 --timeout 30m',
    'nova run --agent simulated --dashboard',
    "nova run --worker-cmd 'my-agent --task {id} --model {model}' --fail-fast --max-cost 20",
  ],
  options: RUN_OPTIONS,
  maxPositionals: 1,
  async run(ctx) {
    const plan = planPath(ctx);
    const { config } = await loadConfig(plan);
    const settings = resolveRunSettings(ctx.values, plan, config, ctx.cwd, 'run', ctx.env);
    return runPlan(ctx, settings);
  },
};
