/**
 * The four token counts an agent reports, in the state file's spelling. Every package counts tokens
 * in this one shape; totals of a group or a run are the same shape summed.
 */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_creation_tokens: number;
}

export function zeroUsage(): TokenUsage {
  return { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_creation_tokens: 0 };
}

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_read_tokens: a.cache_read_tokens + b.cache_read_tokens,
    cache_creation_tokens: a.cache_creation_tokens + b.cache_creation_tokens,
  };
}

/** Adds `b` into `into` (for sums over many tasks without an object per step). */
export function addUsageInto(into: TokenUsage, b: TokenUsage): void {
  into.input_tokens += b.input_tokens;
  into.output_tokens += b.output_tokens;
  into.cache_read_tokens += b.cache_read_tokens;
  into.cache_creation_tokens += b.cache_creation_tokens;
}

/** All four counts together: what "tokens" means in every summary. */
export function totalTokens(u: TokenUsage): number {
  return u.input_tokens + u.output_tokens + u.cache_read_tokens + u.cache_creation_tokens;
}

export function usageIsZero(u: TokenUsage): boolean {
  return totalTokens(u) === 0;
}
