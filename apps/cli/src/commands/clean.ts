import { existsSync } from 'node:fs';
import { inspectStateLock } from '@program-nova/state/store';
import { createWorkspaces } from '@program-nova/workspace';
import { CliError, EXIT } from '../core/cli-error.js';
import type { Command } from '../core/command.js';
import { loadState, STATE_OPTION, stateFileOf } from '../core/state-paths.js';
import { terminalText } from '../core/terminal-text.js';
import { worktreesDirFor } from '../run/workspace-mode.js';

export const cleanCommand: Command = {
  name: 'clean',
  summary: "remove a run's task worktrees (their branches stay)",
  usage: ['nova clean [--state file]'],
  details: [
    'Removes the git worktrees a run made for its tasks (the `worktrees/` folder beside the state',
    "file) and prunes git's records of them. The task branches (nova/<project>/tasks/<id>) and the",
    'result branch stay, with all the work on them; delete them with git when you no longer want',
    'them. Refused while a run holds the state. Nothing of your own working tree is touched.',
    'Exit: 0 when done (or nothing to clean), 2 when a run holds the state or it cannot be read.',
  ].join('\n'),
  examples: ['nova clean', 'nova clean --state runs/today.json'],
  options: { ...STATE_OPTION },
  async run(ctx) {
    const stateFile = stateFileOf(ctx);
    const state = await loadState(ctx);
    const lock = await inspectStateLock(stateFile);
    if (lock !== null && lock.liveness !== 'dead') {
      const who = lock.holder ? `pid ${lock.holder.pid}` : 'another process';
      throw new CliError(
        'E_INVALID_INPUT',
        `a run holds ${stateFile} (${who}): clean after it ends, or stop it first`,
      );
    }
    const workspace = state.project.workspace;
    const dir = worktreesDirFor(stateFile);
    if (!workspace || !existsSync(dir)) {
      ctx.stdout.write('No task worktrees to remove.\n');
      return EXIT.ok;
    }
    const workspaces = createWorkspaces({
      repoRoot: workspace.repo,
      worktreesDir: dir,
      projectSlug: workspace.branch_prefix.replace(/^nova\//, ''),
      env: ctx.env,
    });
    const { removed } = await workspaces.clean();
    const c = ctx.colors.stdout;
    ctx.stdout.write(
      `${c.green('Removed')} ${removed.length} task worktree${removed.length === 1 ? '' : 's'} from ${terminalText(dir)}; the branches ${terminalText(workspace.branch_prefix)}/tasks/* keep the work.\n`,
    );
    return EXIT.ok;
  },
};
