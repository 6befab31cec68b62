import type { Command } from '../core/command.js';
import { cleanCommand } from './clean.js';
import { dashboardCommand } from './dashboard.js';
import { demoCommand } from './demo.js';
import { initCommand } from './init.js';
import { logsCommand } from './logs.js';
import { planCommand } from './plan.js';
import { retryCommand } from './retry.js';
import { runCommand } from './run.js';
import { statusCommand } from './status.js';
import { unlockCommand } from './unlock.js';
import { validateCommand } from './validate.js';
import { workerCommand } from './worker.js';

/** Every `nova` command, in the order `nova --help` lists them. */
export const COMMANDS: readonly Command[] = [
  initCommand,
  validateCommand,
  planCommand,
  runCommand,
  workerCommand,
  statusCommand,
  retryCommand,
  unlockCommand,
  cleanCommand,
  logsCommand,
  dashboardCommand,
  demoCommand,
];
