import type { Rollup, TokenUsage } from '@program-nova/state';

/** All four token counts of a usage record. */
export function totalTokens(u: TokenUsage): number {
  return u.input_tokens + u.output_tokens + u.cache_read_tokens + u.cache_creation_tokens;
}

/** All four token counts of a rollup. */
export function rollupTokens(r: Pick<Rollup, 'tokens'>): number {
  const t = r.tokens;
  return t.inputTokens + t.outputTokens + t.cacheReadTokens + t.cacheCreationTokens;
}

/** 950, 12.3k, 4.56M: compact token counts. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 2 : 1)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}

/** $0.0123 under a dollar, $12.34 above. */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return 'unknown';
  return usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** `[########----------]` */
export function progressBar(done: number, total: number, width: number): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

export function percent(done: number, total: number): string {
  return `${total === 0 ? 100 : Math.floor((done / total) * 100)}%`;
}

/** The first non-empty line of a (possibly multi-line) failure reason. */
export function firstLine(text: string | null | undefined): string {
  if (!text) return '';
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

/** Cuts text to `width` columns with an ellipsis. */
export function clip(text: string, width: number): string {
  if (width <= 1) return '';
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** The first line of a task's failure reason, without the worker's `Task <id>: ` prefix. */
export function reasonLine(id: string, error: string | null | undefined): string {
  const line = firstLine(error);
  const prefix = `Task ${id}: `;
  return line.startsWith(prefix) ? line.slice(prefix.length) : line;
}
