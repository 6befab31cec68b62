/**
 * Text helpers only the terminal needs. Figures (durations, tokens, cost, percentages) are
 * formatted by @program-nova/core, as in the dashboard.
 */

/** `[########----------]` */
export function progressBar(done: number, total: number, width: number): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}
