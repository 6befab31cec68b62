import { inspectStateLock, unlockState } from '@program-nova/state/store';
import { EXIT } from '../core/cli-error.js';
import type { Command } from '../core/command.js';
import { STATE_OPTION, stateFileOf } from '../core/state-paths.js';
import { terminalText } from '../core/terminal-text.js';

export const unlockCommand: Command = {
  name: 'unlock',
  summary: 'release the lock of a state file whose run is gone',
  usage: ['nova unlock [--state file] [--force]'],
  details: [
    'Removes `<state>.lock` when the process holding it is no longer running (its pid and process',
    'start time are checked, so a reused pid is not mistaken for it). Refuses while that run is',
    'alive: stop it instead (Ctrl-C, or kill -INT <pid>). A lock taken on another host cannot be',
    'checked from here: --force removes it anyway. `nova run` takes over the lock of a dead run by',
    'itself; this is for a lock left by a run on another host or one that cannot be read.',
    'Exit: 0 when the state is unlocked (or was not locked), 2 when the holder is alive.',
  ].join('\n'),
  examples: ['nova unlock', 'nova unlock --state runs/today.json --force'],
  options: {
    ...STATE_OPTION,
    force: {
      type: 'boolean',
      description: 'remove a lock whose holder cannot be checked (another host)',
    },
  },
  async run(ctx) {
    const stateFile = stateFileOf(ctx);
    const c = ctx.colors.stdout;
    const before = await inspectStateLock(stateFile);
    if (before === null) {
      ctx.stdout.write(`${stateFile} is not locked: nothing to do.\n`);
      return EXIT.ok;
    }
    // Refusals (a live holder, an unchecked host) are StateError STATE_LOCKED: one line, exit 2.
    const removed = await unlockState(stateFile, { force: ctx.values.force === true });
    if (removed === null) {
      ctx.stdout.write(`${stateFile} is not locked any more: nothing to do.\n`);
      return EXIT.ok;
    }
    const holder = removed.holder;
    const who = holder
      ? `pid ${holder.pid} on ${terminalText(holder.hostname)} (since ${terminalText(holder.acquired_at)}), ${removed.liveness === 'dead' ? 'no longer running' : 'not checked (--force)'}`
      : 'a lock file that could not be read as a Nova lease';
    ctx.stdout.write(
      `${c.green('Unlocked')} ${stateFile}: removed ${removed.lockFile}, held by ${who}.\n`,
    );
    return EXIT.ok;
  },
};
