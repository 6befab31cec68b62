import { type Cascade, parseCascadeFile } from '@program-nova/parser';
import type { CommandContext } from './command.js';

/** The plan a command works on: the first positional, or ./CASCADE.md. */
export function planPath(ctx: CommandContext): string {
  return ctx.positionals[0] ?? 'CASCADE.md';
}

/** Reads and parses the plan; CascadeError (missing file, invalid plan) goes up to bin.ts. */
export function loadPlan(ctx: CommandContext): Promise<Cascade> {
  return parseCascadeFile(planPath(ctx));
}
