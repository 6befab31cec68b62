import { totalTokens } from '@program-nova/core';
import { elapsedSeconds } from '@program-nova/state';
import type { SortKey, TaskQuery } from '../routing/routes.js';
import type { DisplayStatus, Model } from './model.js';

/**
 * How well a task matches a search, 0 for not at all: the id exactly, the id's start, a word of
 * the name's start, anywhere in the id, anywhere in the name (case does not matter).
 */
export function matchScore(id: string, name: string, text: string): number {
  const q = text.trim().toLowerCase();
  if (q === '') return 1;
  const i = id.toLowerCase();
  const n = name.toLowerCase();
  if (i === q) return 100;
  if (i.startsWith(q)) return 80;
  if (n.startsWith(q) || n.includes(` ${q}`)) return 60;
  if (i.includes(q)) return 40;
  if (n.includes(q)) return 20;
  return 0;
}

/** The best matches of a search over the whole plan, best first (file order among equals). */
export function searchTasks(model: Model, text: string, limit: number): string[] {
  const graph = model.state.graph.tasks;
  const scored: { id: string; score: number; i: number }[] = [];
  model.ids.forEach((id, i) => {
    const score = matchScore(id, graph[id]?.name ?? '', text);
    if (score > 0) scored.push({ id, score, i });
  });
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  return scored.slice(0, limit).map((s) => s.id);
}

const STATUS_ORDER: Record<DisplayStatus, number> = {
  failed: 0,
  in_progress: 1,
  blocked: 2,
  pending: 3,
  completed: 4,
};

/**
 * The tasks a table shows for `query`: of `scope` (default the whole plan), in the query's
 * branch and group, with one of its statuses, matching its text, sorted by its key (file order
 * breaks ties, and unknown figures sort last either way).
 */
export function runTaskQuery(
  model: Model,
  now: Date,
  query: TaskQuery,
  scope?: string[],
): string[] {
  const { state } = model;
  const wanted = query.status.length > 0 ? new Set(query.status) : null;
  const text = query.q.trim();
  const out: { id: string; i: number; key: number | string | null }[] = [];
  (scope ?? model.ids).forEach((id, i) => {
    const def = state.graph.tasks[id];
    const task = state.tasks[id];
    if (!def || !task) return;
    if (query.branch !== undefined && def.branch !== query.branch) return;
    if (query.group !== undefined && def.group !== query.group) return;
    if (wanted && !wanted.has(model.displayStatus(id))) return;
    if (text !== '' && matchScore(id, def.name, text) === 0) return;
    out.push({ id, i, key: sortKey(model, now, id, query.sort) });
  });
  const dir = query.dir === 'desc' ? -1 : 1;
  out.sort((a, b) => {
    if (a.key === b.key) return a.i - b.i;
    if (a.key === null) return 1;
    if (b.key === null) return -1;
    const c =
      typeof a.key === 'string' && typeof b.key === 'string'
        ? a.key.localeCompare(b.key, 'en', { numeric: true })
        : (a.key as number) - (b.key as number);
    return c * dir || a.i - b.i;
  });
  return out.map((x) => x.id);
}

function sortKey(model: Model, now: Date, id: string, key: SortKey): number | string | null {
  const task = model.state.tasks[id]!;
  switch (key) {
    case 'order':
      return null;
    case 'id':
      return id;
    case 'status':
      return STATUS_ORDER[model.displayStatus(id)];
    case 'duration':
      return elapsedSeconds(task, now);
    case 'tokens':
      return task.started_at === null && task.attempts === 0 ? null : totalTokens(task.token_usage);
    case 'cost':
      return model.taskCost(task);
    case 'started':
      return task.started_at === null ? null : Date.parse(task.started_at);
  }
}
