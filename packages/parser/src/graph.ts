/**
 * Browser-safe graph helpers (`@program-nova/parser/graph`): pure functions over `GraphNode[]`.
 *
 * Conventions shared by every helper:
 * - Array order is file order; every tie is broken by it, so results are deterministic.
 * - Dependency IDs that name no node are ignored (the parser reports them; a state file may hold a
 *   graph that is being edited).
 * - When an ID appears twice, the first node wins and the later one is ignored.
 * - Helpers that need an order (topologicalOrder, depths, waves, criticalPath) throw a CascadeError
 *   with code `E_CYCLE` on a cyclic graph; findCycles reports the cycles themselves.
 */
import { CascadeError } from './errors.js';
import type { CriticalPath, Diagnostic, GraphNode } from './types.js';

export type { CascadeErrorCode } from './errors.js';
export { CascadeError } from './errors.js';
export type { CriticalPath, GraphNode } from './types.js';

/** The graph with IDs replaced by their file-order index, built once per call. */
interface IndexedGraph {
  ids: string[];
  /** First line of each node when the node carries one (a parsed Task does). */
  lines: (number | undefined)[];
  index: Map<string, number>;
  /** Known dependencies of each node, deduplicated, self-dependencies included. */
  deps: number[][];
  /** Direct dependents of each node, ascending (file order). */
  dependents: number[][];
}

function indexGraph(nodes: readonly GraphNode[]): IndexedGraph {
  const index = new Map<string, number>();
  const kept: GraphNode[] = [];
  for (const node of nodes) {
    if (index.has(node.id)) continue;
    index.set(node.id, kept.length);
    kept.push(node);
  }
  const n = kept.length;
  const ids = new Array<string>(n);
  const lines = new Array<number | undefined>(n);
  const deps = new Array<number[]>(n);
  const dependents = new Array<number[]>(n);
  for (let i = 0; i < n; i++) dependents[i] = [];
  for (let i = 0; i < n; i++) {
    const node = kept[i]!;
    ids[i] = node.id;
    const line = (node as { line?: unknown }).line;
    lines[i] = typeof line === 'number' ? line : undefined;
    const mine: number[] = [];
    for (const depId of node.dependsOn) {
      const d = index.get(depId);
      if (d === undefined || mine.includes(d)) continue;
      mine.push(d);
      dependents[d]!.push(i);
    }
    deps[i] = mine;
  }
  return { ids, lines, index, deps, dependents };
}

/** A binary min-heap of indices: Kahn's algorithm always takes the earliest ready node in file order. */
class IndexHeap {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(value: number): void {
    const a = this.items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= value) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = value;
  }
  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/** Kahn's algorithm; returns null when some nodes sit on (or behind) a cycle. */
function kahnOrder(g: IndexedGraph): number[] | null {
  const n = g.ids.length;
  const pending = new Int32Array(n);
  const heap = new IndexHeap();
  for (let i = 0; i < n; i++) {
    pending[i] = g.deps[i]!.length;
    if (pending[i] === 0) heap.push(i);
  }
  const order: number[] = [];
  while (heap.size > 0) {
    const i = heap.pop();
    order.push(i);
    for (const j of g.dependents[i]!) {
      if (--pending[j]! === 0) heap.push(j);
    }
  }
  return order.length === n ? order : null;
}

/** Strongly connected components with more than one node (iterative Tarjan: deep chains are fine). */
function cyclicComponents(g: IndexedGraph): number[][] {
  const n = g.ids.length;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  const edgePos = new Int32Array(n);
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    const call: number[] = [root];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (call.length > 0) {
      const v = call[call.length - 1]!;
      const out = g.dependents[v]!;
      if (edgePos[v]! < out.length) {
        const w = out[edgePos[v]!++]!;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          call.push(w);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, order[w]!);
        }
        continue;
      }
      call.pop();
      if (call.length > 0) {
        const parent = call[call.length - 1]!;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === order[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        if (component.length > 1) components.push(component.sort((a, b) => a - b));
      }
    }
  }
  return components;
}

/** Shortest cycle through `start` inside its component, in "must finish before" direction. */
function cycleThrough(g: IndexedGraph, start: number, members: Set<number>): number[] {
  const previous = new Map<number, number>([[start, -1]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of g.dependents[v]!) {
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = previous.get(x)!) path.splice(1, 0, x);
        path.push(start);
        return path;
      }
      if (!members.has(w) || previous.has(w)) continue;
      previous.set(w, v);
      queue.push(w);
    }
  }
  // Unreachable for a strongly connected component; kept so a bug shows as a short path, not a hang.
  return [start, start];
}

function cyclesOf(g: IndexedGraph): number[][] {
  const found: number[][] = [];
  for (let i = 0; i < g.ids.length; i++) {
    if (g.deps[i]!.includes(i)) found.push([i, i]);
  }
  for (const component of cyclicComponents(g)) {
    found.push(cycleThrough(g, component[0]!, new Set(component)));
  }
  return found.sort((a, b) => a[0]! - b[0]! || a.length - b.length);
}

/**
 * Every dependency cycle as a full path in "must finish before" direction: `['F1', 'F2', 'F3', 'F1']`
 * means F2 depends on F1, F3 on F2 and F1 on F3. One shortest cycle per strongly connected group of
 * tasks (through its earliest task), plus each self-dependency as `[id, id]`; ordered by file order.
 * Kahn's algorithm is the acyclicity check; the paths come from a Tarjan search only when it fails.
 */
export function findCycles(nodes: readonly GraphNode[]): string[][] {
  const g = indexGraph(nodes);
  if (kahnOrder(g) !== null) return [];
  return cyclesOf(g).map((cycle) => cycle.map((i) => g.ids[i]!));
}

/** Human text for one cycle path, used in diagnostics and errors. */
export function describeCycle(path: readonly string[]): string {
  if (path.length === 2) return `${path[0]} depends on itself`;
  const pairs: string[] = [];
  for (let k = 1; k < path.length; k++) pairs.push(`${path[k]} depends on ${path[k - 1]}`);
  return `dependency cycle ${path.join(' -> ')} (${pairs.join(', ')})`;
}

function cycleError(g: IndexedGraph): CascadeError {
  const cycles = cyclesOf(g);
  const paths = cycles.map((cycle) => cycle.map((i) => g.ids[i]!));
  const diagnostics: Diagnostic[] = cycles.map((cycle, k) => ({
    code: 'E_CYCLE',
    message: describeCycle(paths[k]!),
    line: g.lines[cycle[0]!] ?? 0,
    column: g.lines[cycle[0]!] === undefined ? 0 : 1,
  }));
  return new CascadeError(
    'E_CYCLE',
    paths.length === 1
      ? `the task graph has a ${describeCycle(paths[0]!)}`
      : `the task graph has ${paths.length} dependency cycles: ${paths.map((p) => p.join(' -> ')).join('; ')}`,
    { diagnostics, cycles: paths },
  );
}

function orderOrThrow(g: IndexedGraph): number[] {
  const order = kahnOrder(g);
  if (order === null) throw cycleError(g);
  return order;
}

/**
 * Every ID, dependencies before dependents. Among tasks that could go next, the earliest in file order
 * goes first, so a plan already written in dependency order comes back unchanged.
 * @throws CascadeError `E_CYCLE` naming every cycle.
 */
export function topologicalOrder(nodes: readonly GraphNode[]): string[] {
  const g = indexGraph(nodes);
  return orderOrThrow(g).map((i) => g.ids[i]!);
}

/** Direct dependents of every node (an entry for each ID, possibly empty), in file order. */
export function dependentsMap(nodes: readonly GraphNode[]): Map<string, string[]> {
  const g = indexGraph(nodes);
  const map = new Map<string, string[]>();
  for (let i = 0; i < g.ids.length; i++) {
    map.set(
      g.ids[i]!,
      g.dependents[i]!.filter((j) => j !== i).map((j) => g.ids[j]!),
    );
  }
  return map;
}

/**
 * Every task that depends on `id` directly or through others (what a failure of `id` blocks), in file
 * order, without `id` itself. Works on cyclic graphs too. An unknown `id` has no dependents.
 */
export function transitiveDependents(nodes: readonly GraphNode[], id: string): string[] {
  const g = indexGraph(nodes);
  const start = g.index.get(id);
  if (start === undefined) return [];
  const seen = new Uint8Array(g.ids.length);
  const queue = [start];
  seen[start] = 1;
  for (let head = 0; head < queue.length; head++) {
    for (const j of g.dependents[queue[head]!]!) {
      if (seen[j]) continue;
      seen[j] = 1;
      queue.push(j);
    }
  }
  const result: string[] = [];
  for (let i = 0; i < g.ids.length; i++) if (seen[i] && i !== start) result.push(g.ids[i]!);
  return result;
}

function depthArray(g: IndexedGraph, order: number[]): Int32Array {
  const depth = new Int32Array(g.ids.length);
  for (const i of order) {
    let d = 0;
    for (const p of g.deps[i]!) if (depth[p]! + 1 > d) d = depth[p]! + 1;
    depth[i] = d;
  }
  return depth;
}

/**
 * Depth of every task: 0 without (known) dependencies, else 1 + the greatest depth of its dependencies.
 * @throws CascadeError `E_CYCLE`.
 */
export function depths(nodes: readonly GraphNode[]): Map<string, number> {
  const g = indexGraph(nodes);
  const depth = depthArray(g, orderOrThrow(g));
  const map = new Map<string, number>();
  for (let i = 0; i < g.ids.length; i++) map.set(g.ids[i]!, depth[i]!);
  return map;
}

/**
 * Tasks grouped by depth: wave 0 can start at once, wave n once every earlier wave is done (the
 * earliest step each task could run in). File order within a wave.
 * @throws CascadeError `E_CYCLE`.
 */
export function waves(nodes: readonly GraphNode[]): string[][] {
  const g = indexGraph(nodes);
  const depth = depthArray(g, orderOrThrow(g));
  const result: string[][] = [];
  for (let i = 0; i < g.ids.length; i++) {
    const d = depth[i]!;
    while (result.length <= d) result.push([]);
    result[d]!.push(g.ids[i]!);
  }
  return result;
}

/**
 * The longest chain of tasks (counted in tasks) and, for every task, the length of the longest chain
 * that starts at it (itself included): the scheduling priority of a ready task. Ties go to the
 * earliest task in file order, both for where the path starts and for each step along it.
 * @throws CascadeError `E_CYCLE`.
 */
export function criticalPath(nodes: readonly GraphNode[]): CriticalPath {
  const g = indexGraph(nodes);
  const order = orderOrThrow(g);
  const n = g.ids.length;
  const rest = new Int32Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k]!;
    let best = 0;
    for (const j of g.dependents[i]!) if (rest[j]! > best) best = rest[j]!;
    rest[i] = best + 1;
  }
  const remaining: Record<string, number> = {};
  let start = -1;
  for (let i = 0; i < n; i++) {
    remaining[g.ids[i]!] = rest[i]!;
    if (start === -1 || rest[i]! > rest[start]!) start = i;
  }
  const path: string[] = [];
  for (let i = start; i !== -1; ) {
    path.push(g.ids[i]!);
    let next = -1;
    // dependents are ascending, so the first one on a longest chain is the earliest in file order
    for (const j of g.dependents[i]!) {
      if (rest[j] === rest[i]! - 1) {
        next = j;
        break;
      }
    }
    i = next;
  }
  return { path, length: path.length, remaining };
}
