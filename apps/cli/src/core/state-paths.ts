import { resolve } from 'node:path';
import type { CascadeState } from '@program-nova/state';
import { readState } from '@program-nova/state/store';
import type { CommandContext, OptionSpec } from './command.js';

export const STATE_OPTION: Record<string, OptionSpec> = {
  state: {
    type: 'string',
    valueName: 'file',
    description: 'state file (default ./cascade_state.json)',
  },
};

export function stateFileOf(ctx: CommandContext): string {
  const v = ctx.values.state;
  return resolve(ctx.cwd, typeof v === 'string' ? v : 'cascade_state.json');
}

/** Reads the snapshot (no lock); STATE_NOT_FOUND & co. go up to bin.ts as one line. */
export function loadState(ctx: CommandContext): Promise<CascadeState> {
  return readState(stateFileOf(ctx));
}
