import { dependentsMap } from '@program-nova/parser/graph';
import { graphNodes } from './document.js';
import type { CascadeState, StatusSummary } from './types.js';

function depsOf(state: CascadeState, id: string): readonly string[] {
  const g = state.graph.tasks[id];
  return g === undefined || !Object.hasOwn(state.graph.tasks, id) ? [] : g.depends_on;
}

function isFailed(state: CascadeState, id: string): boolean {
  return Object.hasOwn(state.tasks, id) && state.tasks[id]!.status === 'failed';
}

/**
 * The failed tasks that keep `id` from running: failed tasks among its transitive dependencies that
 * do not themselves sit below another failed task (the roots to fix or retry), in file order.
 * Empty when nothing upstream failed. Says nothing about `id`'s own status.
 *
 * Cost: one walk over `id`'s ancestors (each task and edge once), with no work proportional to the
 * whole plan, so calling it for every task of a large state stays cheap. Only when there are two or
 * more roots is the plan's key order scanned, once, to put them in file order. Nothing is cached:
 * the state may be changed in place (applyTransition) between calls.
 */
export function blockedBy(state: CascadeState, id: string): string[] {
  // Post-order walk (dependencies before dependents) over the ancestors, iterative so a long chain
  // cannot overflow the stack. `above[x]`: some task strictly upstream of x failed.
  const above = new Map<string, boolean>();
  const roots: string[] = [];
  const stack: { id: string; deps: readonly string[]; next: number }[] = [
    { id, deps: depsOf(state, id), next: 0 },
  ];
  above.set(id, false); // visiting; a cycle (never written by Nova) then reads as "not above"
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.deps.length) {
      const dep = top.deps[top.next++]!;
      if (!above.has(dep)) {
        above.set(dep, false);
        stack.push({ id: dep, deps: depsOf(state, dep), next: 0 });
      }
      continue;
    }
    stack.pop();
    let failedAbove = false;
    for (const dep of top.deps) {
      if (isFailed(state, dep) || above.get(dep) === true) {
        failedAbove = true;
        break;
      }
    }
    above.set(top.id, failedAbove);
    if (top.id !== id && !failedAbove && isFailed(state, top.id)) roots.push(top.id);
  }
  if (roots.length < 2) return roots;
  const wanted = new Set(roots);
  const ordered: string[] = [];
  for (const key of Object.keys(state.graph.tasks)) {
    if (!wanted.has(key)) continue;
    ordered.push(key);
    if (ordered.length === wanted.size) break;
  }
  // A dependency missing from graph.tasks (a hand-edited file) has no file position: last.
  if (ordered.length < roots.length)
    for (const r of roots) if (!ordered.includes(r)) ordered.push(r);
  return ordered;
}

/** A pending task with a failed task among its transitive dependencies. */
export function isBlocked(state: CascadeState, id: string): boolean {
  const task = state.tasks[id];
  if (task === undefined || !Object.hasOwn(state.tasks, id) || task.status !== 'pending')
    return false;
  // Breadth first over the ancestors, each once, stopping at the first failed one.
  const seen = new Set<string>([id]);
  const queue = [id];
  for (let i = 0; i < queue.length; i++) {
    for (const dep of depsOf(state, queue[i]!)) {
      if (seen.has(dep)) continue;
      if (isFailed(state, dep)) return true;
      seen.add(dep);
      queue.push(dep);
    }
  }
  return false;
}

/** Every task with a failed task among its transitive dependencies (one pass over the graph). */
export function belowFailed(state: CascadeState): Set<string> {
  const failed = Object.keys(state.tasks).filter((id) => isFailed(state, id));
  const below = new Set<string>();
  if (failed.length === 0) return below;
  const dependents = dependentsMap(graphNodes(state));
  const queue = [...failed];
  for (let i = 0; i < queue.length; i++) {
    for (const d of dependents.get(queue[i]!) ?? []) {
      if (below.has(d)) continue;
      below.add(d);
      queue.push(d);
    }
  }
  return below;
}

/** Counts over `ids` (default: every task). `pending` excludes blocked tasks. */
export function summarizeTasks(
  state: CascadeState,
  ids: readonly string[],
  blocked: Set<string>,
): StatusSummary {
  const s: StatusSummary = {
    totalTasks: 0,
    completed: 0,
    failed: 0,
    inProgress: 0,
    pending: 0,
    blocked: 0,
    activeWorkers: 0,
  };
  for (const id of ids) {
    const task = state.tasks[id];
    if (task === undefined || !Object.hasOwn(state.tasks, id)) continue;
    s.totalTasks++;
    if (task.status === 'completed') s.completed++;
    else if (task.status === 'failed') s.failed++;
    else if (task.status === 'in_progress') {
      s.inProgress++;
      s.activeWorkers++;
    } else if (blocked.has(id)) s.blocked++;
    else s.pending++;
  }
  return s;
}

/**
 * `{ totalTasks, completed, failed, inProgress, pending, blocked, activeWorkers }` of the whole state.
 * `activeWorkers` counts tasks in progress as recorded (the file cannot know more); an orchestrator
 * reports its own live count.
 */
export function summarize(state: CascadeState): StatusSummary {
  return summarizeTasks(state, Object.keys(state.tasks), belowFailed(state));
}
