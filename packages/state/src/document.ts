import { zeroUsage } from '@program-nova/core';
import type { GraphNode } from '@program-nova/parser/graph';
import type { CascadeState, TaskState } from './types.js';

export const SCHEMA_VERSION = 1 as const;

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
