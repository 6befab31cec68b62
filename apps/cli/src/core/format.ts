/**
 * Text helpers only the terminal needs. Figures (durations, tokens, cost, percentages) are
 * formatted by @program-nova/core, as in the dashboard.
 */
import { firstLine } from '@program-nova/core';

/** `[########----------]` */
export function progressBar(done: number, total: number, width: number): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** The first line of a task's failure reason, without the worker's `Task <id>: ` prefix. */
export function reasonLine(id: string, error: string | null | undefined): string {
  const line = firstLine(error);
  const prefix = `Task ${id}: `;
  return line.startsWith(prefix) ? line.slice(prefix.length) : line;
}
