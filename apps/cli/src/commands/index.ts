import type { Command } from '../core/command.js';
import { planCommand } from './plan.js';
import { validateCommand } from './validate.js';

/** Every `nova` command, in the order `nova --help` lists them. */
export const COMMANDS: readonly Command[] = [validateCommand, planCommand];
