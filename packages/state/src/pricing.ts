import type { ModelPrice, PricingTable, TaskState, TokenUsage } from './types.js';

/**
 * Anthropic list prices in US dollars per million tokens (input, output, cache read, cache write)
 * for Claude models. Cache write is the 5-minute cache price; long-context (>200k input) premiums and
 * the 1-hour cache are not modelled. Keys are model IDs without their date suffix; dated IDs
 * (`claude-sonnet-4-5-20250929`) and provider spellings (`claude-sonnet-4-5@20250929`,
 * `anthropic.claude-sonnet-4-5-20250929-v1:0`) resolve to them. Override or extend by passing your own
 * table, e.g. `{ ...DEFAULT_PRICING, 'my-model': { ... } }`.
 */
export const DEFAULT_PRICING: Readonly<PricingTable> = Object.freeze({
  'claude-opus-4-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-sonnet-4-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'claude-3-7-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
  // Claude Code's `--model` aliases. A real run reports the resolved model ID in its init event; the
  // alias itself is all a state holds when an attempt died before that (or for the simulated agent),
  // and each alias names the current model of its family.
  sonnet: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  opus: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  haiku: { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
});

/** The spellings of one model ID to try in a table, most specific first. */
function candidates(model: string): string[] {
  const out: string[] = [model];
  let m = model.trim().toLowerCase();
  out.push(m);
  m = m.replace(/\[[^\]]*\]$/, ''); // `claude-sonnet-4-5[1m]`
  m = m.replace(/^(?:[a-z]{2,4}\.)?anthropic[./]/, ''); // Bedrock `us.anthropic.`, `anthropic/`
  m = m.replace(/-v\d+(?::\d+)?$/, ''); // Bedrock `-v1:0`
  out.push(m);
  out.push(m.replace(/(?:-|@)\d{8}$/, '')); // dated snapshot: `-20250929`, Vertex `@20250929`
  return out;
}

/** The price entry for a model ID, or null when the table does not know it. */
export function priceOf(
  model: string,
  pricing: Readonly<PricingTable> = DEFAULT_PRICING,
): ModelPrice | null {
  for (const key of candidates(model)) {
    if (Object.hasOwn(pricing, key)) return pricing[key]!;
  }
  return null;
}

/**
 * Dollars for `usage` at `model`'s price; null when the model is null or not in the table: an unknown
 * price is reported as unknown, never guessed.
 */
export function costOf(
  usage: TokenUsage,
  model: string | null,
  pricing: Readonly<PricingTable> = DEFAULT_PRICING,
): number | null {
  if (model === null) return null;
  const p = priceOf(model, pricing);
  if (p === null) return null;
  return (
    (usage.input_tokens * p.input +
      usage.output_tokens * p.output +
      usage.cache_read_tokens * p.cacheRead +
      usage.cache_creation_tokens * p.cacheWrite) /
    1_000_000
  );
}

/**
 * What a task has cost: its recorded `cost_usd` (the agent's own figure) when there is one, else its
 * tokens at its model's price (`costOf`), else null (unknown). The one rule rollups, the CLI and the
 * dashboard share.
 */
export function taskCost(
  task: Pick<TaskState, 'cost_usd' | 'token_usage' | 'model'>,
  pricing: Readonly<PricingTable> = DEFAULT_PRICING,
): number | null {
  return task.cost_usd ?? costOf(task.token_usage, task.model, pricing);
}
