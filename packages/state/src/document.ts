import type { GraphNode } from '@program-nova/parser/graph';
import type { CascadeState, TaskState, TokenUsage } from './types.js';

export const SCHEMA_VERSION = 1 as const;

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

export function usageIsZero(u: TokenUsage): boolean {
  return (
    u.input_tokens === 0 &&
    u.output_tokens === 0 &&
    u.cache_read_tokens === 0 &&
    u.cache_creation_tokens === 0
  );
}

/** A task that has never run. */
export function pendingTask(): TaskState {
  return {
    status: 'pending',
    worker_id: null,
    pid: null,
    pgid: null,
    started_at: null,
    completed_at: null,
    duration_seconds: null,
    current_step: null,
    token_usage: zeroUsage(),
    cost_usd: null,
    model: null,
    error: null,
    failure_kind: null,
    exit_code: null,
    attempts: 0,
    retry_at: null,
    log_path: null,
    commit_sha: null,
    files_changed: null,
  };
}

/** The state's task graph in the shape the parser's graph helpers take (file order). */
export function graphNodes(state: CascadeState): GraphNode[] {
  const nodes: GraphNode[] = [];
  for (const id of Object.keys(state.graph.tasks)) {
    nodes.push({ id, dependsOn: state.graph.tasks[id]!.depends_on });
  }
  return nodes;
}
