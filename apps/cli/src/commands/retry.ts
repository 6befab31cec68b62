import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { isOrchestratorError, Orchestrator } from '@program-nova/orchestrator';
import { CliError, EXIT } from '../core/cli-error.js';
import type { Command } from '../core/command.js';
import { loadState, STATE_OPTION, stateFileOf } from '../core/state-paths.js';
import { terminalText } from '../core/terminal-text.js';

export const retryCommand: Command = {
  name: 'retry',
  summary: 'clear failed tasks so the next run starts them again',
  usage: ['nova retry <id...> [--state file]', 'nova retry --failed [--state file]'],
  details: [
    'Puts failed tasks back to pending (attempts reset), which unblocks their dependents; the next',
    '`nova run` starts them. Tasks that are not failed are left as they are. It needs the lease on',
    'the state file, so it refuses while a run is in progress. The plan is the one the state',
    'records (or --plan).',
  ].join('\n'),
  examples: ['nova retry API-03', 'nova retry --failed && nova run'],
  options: {
    failed: { type: 'boolean', description: 'clear every failed task' },
    ...STATE_OPTION,
    plan: {
      type: 'string',
      valueName: 'file',
      description: 'the CASCADE.md of the run (default: the one the state records)',
    },
  },
  maxPositionals: Number.POSITIVE_INFINITY,
  async run(ctx) {
    const ids = ctx.positionals;
    const all = ctx.values.failed === true;
    if (all === ids.length > 0) {
      throw new CliError(
        'E_USAGE',
        all ? 'give task IDs or --failed, not both' : 'name the tasks to retry, or use --failed',
        { command: 'retry' },
      );
    }
    const stateFile = stateFileOf(ctx);
    const state = await loadState(ctx);
    const planFlag = typeof ctx.values.plan === 'string' ? ctx.values.plan : undefined;
    const recorded = state.project.cascade_file;
    const plan = resolve(
      ctx.cwd,
      planFlag ?? (recorded && existsSync(resolve(ctx.cwd, recorded)) ? recorded : 'CASCADE.md'),
    );
    for (const id of ids) {
      if (!state.tasks[id]) {
        throw new CliError('E_INVALID_INPUT', `no task ${id} in ${stateFile}`);
      }
    }
    const orchestrator = new Orchestrator({ cascadeFile: plan, stateFile });
    let cleared: string[];
    try {
      cleared = await orchestrator.reset(all ? 'failed' : ids);
    } catch (error) {
      if (isOrchestratorError(error) && error.code === 'STATE_LOCKED') {
        throw new CliError(
          'E_INVALID_INPUT',
          `a run is in progress on ${stateFile}${error.holderPid ? ` (pid ${error.holderPid})` : ''}: retry after it ends, or stop it with Ctrl-C (kill -INT ${error.holderPid ?? '<pid>'})`,
          { cause: error },
        );
      }
      throw error;
    } finally {
      await orchestrator.close().catch(() => {});
    }
    const c = ctx.colors.stdout;
    for (const id of ids) {
      if (!cleared.includes(id)) {
        ctx.stdout.write(
          `${terminalText(id)} is ${state.tasks[id]!.status}, not failed: left as it is\n`,
        );
      }
    }
    if (cleared.length === 0) {
      ctx.stdout.write('No failed tasks to clear.\n');
      return EXIT.ok;
    }
    ctx.stdout.write(
      `${c.green('Cleared')} ${terminalText(cleared.join(', '))}: ${cleared.length === 1 ? 'it' : 'they'} and ${cleared.length === 1 ? 'its' : 'their'} dependents run on the next \`nova run\`.\n`,
    );
    return EXIT.ok;
  },
};
