import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { logFileName } from '@program-nova/core';
import { readState } from '@program-nova/state/store';
import { CliError, EXIT } from '../core/cli-error.js';
import type { Command, CommandContext } from '../core/command.js';
import { loadState, STATE_OPTION, stateFileOf } from '../core/state-paths.js';

export const logsCommand: Command = {
  name: 'logs',
  summary: "print a task's log, or follow it while it runs",
  usage: ['nova logs <id> [-f] [--state file]'],
  details: [
    "Prints the task's log (its worker's stdout and stderr). With -f it keeps printing what is",
    'appended until the task is no longer running (waiting for it to start if it has not), or',
    'until Ctrl-C.',
  ].join('\n'),
  examples: ['nova logs API-03', 'nova logs API-08 -f'],
  options: {
    follow: { type: 'boolean', short: 'f', description: 'keep printing while the task runs' },
    ...STATE_OPTION,
    logs: {
      type: 'string',
      valueName: 'dir',
      description: 'logs folder, if it is not the one the state records',
    },
  },
  maxPositionals: 1,
  async run(ctx) {
    const id = ctx.positionals[0];
    if (id === undefined)
      throw new CliError('E_USAGE', 'name the task: nova logs <id>', { command: 'logs' });
    const stateFile = stateFileOf(ctx);
    const state = await loadState(ctx);
    const task = state.tasks[id];
    if (!task) throw new CliError('E_INVALID_INPUT', `no task ${id} in ${stateFile}`);
    const logsFlag = typeof ctx.values.logs === 'string' ? ctx.values.logs : undefined;
    const path = logsFlag
      ? join(logsFlag, logFileName(id))
      : (task.log_path ?? join(dirname(stateFile), 'logs', logFileName(id)));
    if (!ctx.values.follow) {
      const printed = await copyFrom(path, 0, ctx);
      if (printed === null) {
        ctx.stderr.write(`nova: no log for ${id} yet (it is ${task.status})\n`);
      }
      return EXIT.ok;
    }
    return follow(ctx, id, path, stateFile);
  },
};

/** Writes the file from `offset` to its current end; null when it does not exist. */
async function copyFrom(path: string, offset: number, ctx: CommandContext): Promise<number | null> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError('E_INVALID_INPUT', `cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const buffer = Buffer.alloc(64 * 1024);
    let at = offset;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
      if (bytesRead === 0) break;
      ctx.stdout.write(buffer.subarray(0, bytesRead).toString('utf8'));
      at += bytesRead;
    }
    return at;
  } finally {
    await handle.close();
  }
}

async function follow(ctx: CommandContext, id: string, path: string, stateFile: string) {
  let offset = 0;
  let stop = false;
  const onSignal = () => {
    stop = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let seenRunning = false;
    while (!stop) {
      offset = (await copyFrom(path, offset, ctx)) ?? offset;
      const status = await readState(stateFile)
        .then((s) => s.tasks[id]?.status)
        .catch(() => undefined);
      if (status === 'in_progress') seenRunning = true;
      // Ends once the task has finished (or was never going to run here) and the log is drained.
      const finished =
        status === 'completed' || status === 'failed' || (seenRunning && status !== 'in_progress');
      if (finished) {
        await copyFrom(path, offset, ctx);
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return EXIT.ok;
}
