import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { earlierLogFileName, logFileName } from '../log-file-name.js';

/**
 * Moves the task's `<id>.log` aside to `<id>.log.<n>`, n one above the highest kept, so every
 * attempt's log survives (the log must exist). Probes .1, .2, ... rather than list the folder: a
 * listing costs as much as the folder is big, once per rotated attempt (a rerun beside 1,000 logs
 * paid it 1,000 times). Nova numbers without gaps, so the first free number is the next one.
 */
export function moveEarlierLogAside(logsDir: string, taskId: string): void {
  let n = 1;
  while (existsSync(join(logsDir, earlierLogFileName(taskId, n)))) n++;
  renameSync(join(logsDir, logFileName(taskId)), join(logsDir, earlierLogFileName(taskId, n)));
}
