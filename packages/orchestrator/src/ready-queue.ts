/**
 * Ready tasks in start order: most work still below them first (remaining critical-path length),
 * file order on ties. A binary heap over precomputed ranks, so picking the next task costs
 * O(log n) however large the plan; entries are validated by the caller when popped (lazy deletion).
 */
export class ReadyQueue {
  readonly #rank: Map<string, number>;
  #heap: string[] = [];
  readonly #queued = new Set<string>();

  /** `order`: every task id, best first. */
  constructor(order: readonly string[]) {
    this.#rank = new Map(order.map((id, i) => [id, i]));
  }

  get size(): number {
    return this.#heap.length;
  }

  has(id: string): boolean {
    return this.#queued.has(id);
  }

  push(id: string): void {
    if (this.#queued.has(id) || !this.#rank.has(id)) return;
    this.#queued.add(id);
    const h = this.#heap;
    h.push(id);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#less(h[parent]!, h[i]!)) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  peek(): string | undefined {
    return this.#heap[0];
  }

  pop(): string | undefined {
    const h = this.#heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < h.length && this.#less(h[l]!, h[best]!)) best = l;
        if (r < h.length && this.#less(h[r]!, h[best]!)) best = r;
        if (best === i) break;
        [h[best], h[i]] = [h[i]!, h[best]!];
        i = best;
      }
    }
    this.#queued.delete(top);
    return top;
  }

  /** Ids in the queue, best first (copy; O(n log n)). */
  toArray(): string[] {
    return [...this.#heap].sort((a, b) => this.#rank.get(a)! - this.#rank.get(b)!);
  }

  clear(): void {
    this.#heap = [];
    this.#queued.clear();
  }

  #less(a: string, b: string): boolean {
    return this.#rank.get(a)! < this.#rank.get(b)!;
  }
}

/** Start order of a plan: remaining chain length descending, file order on ties. */
export function priorityOrder(
  fileOrder: readonly string[],
  remaining: Readonly<Record<string, number>>,
): string[] {
  const index = new Map(fileOrder.map((id, i) => [id, i]));
  return [...fileOrder].sort(
    (a, b) => (remaining[b] ?? 1) - (remaining[a] ?? 1) || index.get(a)! - index.get(b)!,
  );
}
