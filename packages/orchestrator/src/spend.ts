/**
 * Money: what settled attempts cost (every run of this state, removed tasks included) plus the
 * live cost of attempts still running. The budget check reads this.
 */
import type { TokenUsage } from '@program-nova/core';
import { type CascadeState, type PricingTable, taskCost } from '@program-nova/state';

/** What the budget needs of a running attempt. */
export interface LiveSpend {
  tokens: { usage: TokenUsage; costUsd: number | null } | null;
  model: string | null;
  /** Its outcome is being recorded: its cost is in `settled` already. */
  settling: boolean;
}

export class Spend {
  #settled = 0;

  constructor(private readonly pricing: PricingTable | undefined) {}

  /** The attempt's dollars: as the agent reported them, else from tokens at the model's price. */
  cost(usage: TokenUsage, reported: number | null, model: string | null): number | null {
    return taskCost({ cost_usd: reported ?? null, token_usage: usage, model }, this.pricing);
  }

  /** Starts from what the state records (tasks not running, and tasks removed from the plan). */
  resetFrom(state: CascadeState): void {
    let sum = 0;
    for (const t of Object.values(state.tasks)) {
      if (t.status !== 'in_progress') sum += taskCost(t, this.pricing) ?? 0;
    }
    for (const t of Object.values(state.removed_tasks)) sum += taskCost(t, this.pricing) ?? 0;
    this.#settled = sum;
  }

  settle(cost: number | null): void {
    this.#settled += cost ?? 0;
  }

  total(running: Iterable<LiveSpend>): number {
    let live = 0;
    for (const r of running) {
      if (r.tokens && !r.settling)
        live += this.cost(r.tokens.usage, r.tokens.costUsd, r.model) ?? 0;
    }
    return this.#settled + live;
  }
}
