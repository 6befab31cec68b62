/**
 * The scheduling core, without I/O: which task may start (its dependencies' completions are in the
 * journal, its retry is due, it is not running), in what order (critical path first), and into
 * which worker slot.
 */
import { type Cascade, criticalPath, dependentsMap, type Task } from '@program-nova/parser';
import type { CascadeState } from '@program-nova/state';
import { priorityOrder, ReadyQueue } from './ready-queue.js';

export class Schedule {
  /** Every task id, best start first. */
  readonly order: readonly string[];
  readonly tasks: ReadonlyMap<string, Task>;
  readonly dependents: ReadonlyMap<string, string[]>;
  /** Each task's place in `order` (0 = starts first). */
  readonly rank: ReadonlyMap<string, number>;
  readonly #queue: ReadyQueue;
  #unmet = new Map<string, number>();
  /** Completions being written to the journal: not yet "completed" for their dependents. */
  readonly #completing = new Set<string>();
  readonly #freeSlots: number[];

  constructor(
    cascade: Cascade,
    order: 'critical-path' | 'file',
    readonly maxWorkers: number,
    private readonly isRunning: (id: string) => boolean,
  ) {
    const tasks = cascade.tasks;
    this.tasks = new Map(tasks.map((t) => [t.id, t]));
    this.dependents = dependentsMap(tasks);
    const fileOrder = tasks.map((t) => t.id);
    this.order =
      order === 'file' ? fileOrder : priorityOrder(fileOrder, criticalPath(tasks).remaining);
    this.rank = new Map(this.order.map((id, i) => [id, i]));
    this.#queue = new ReadyQueue(this.order);
    this.#freeSlots = Array.from({ length: maxWorkers }, (_, i) => i + 1);
  }

  /** A dependency no longer in the plan cannot hold a task back (the parser rejects it in a plan). */
  depDone(state: CascadeState, dep: string): boolean {
    const t = state.tasks[dep];
    if (t === undefined) return !this.tasks.has(dep);
    return t.status === 'completed' && !this.#completing.has(dep);
  }

  isReady(id: string, state: CascadeState): boolean {
    const t = state.tasks[id];
    if (t?.status !== 'pending' || this.isRunning(id)) return false;
    if ((this.#unmet.get(id) ?? 0) > 0) return false;
    return t.retry_at === null || Date.parse(t.retry_at) <= Date.now();
  }

  whyNotReady(id: string, state: CascadeState): string {
    const t = state.tasks[id]!;
    if (this.isRunning(id)) return 'already running';
    if (t.status !== 'pending') return `status ${t.status}`;
    const waiting = this.tasks.get(id)!.dependsOn.filter((d) => !this.depDone(state, d));
    if (waiting.length) return `waiting for ${waiting.join(', ')}`;
    return `retry scheduled at ${t.retry_at}`;
  }

  /** Unmet-dependency counts and the ready queue, recomputed from the state. */
  rebuild(state: CascadeState): void {
    this.#unmet = new Map();
    this.#queue.clear();
    for (const id of this.order) {
      let unmet = 0;
      for (const dep of this.tasks.get(id)!.dependsOn) if (!this.depDone(state, dep)) unmet++;
      this.#unmet.set(id, unmet);
      if (this.isReady(id, state)) this.#queue.push(id);
    }
  }

  /** Queues `id` if it is ready now. */
  offer(id: string, state: CascadeState): void {
    if (this.isReady(id, state)) this.#queue.push(id);
  }

  /** The best ready task, taken off the queue (entries that went stale on the way are dropped). */
  takeReady(state: CascadeState): string | undefined {
    let id = this.#queue.pop();
    while (id !== undefined && !this.isReady(id, state)) id = this.#queue.pop();
    return id;
  }

  /** Whether some task is ready now (stale entries are dropped on the way). */
  anyReady(state: CascadeState): boolean {
    let id = this.#queue.peek();
    while (id !== undefined && !this.isReady(id, state)) {
      this.#queue.pop();
      id = this.#queue.peek();
    }
    return id !== undefined;
  }

  /** Ready tasks in start order (a full scan; for queries). */
  readyTasks(state: CascadeState): string[] {
    return this.order.filter((id) => this.isReady(id, state));
  }

  get hasFreeSlot(): boolean {
    return this.#freeSlots.length > 0;
  }

  /** The lowest free slot, so worker ids stay small and stable in the dashboard. */
  takeSlot(): number {
    const slot = this.#freeSlots.shift();
    if (slot === undefined) throw new Error('no free worker slot');
    return slot;
  }

  releaseSlot(slot: number): void {
    const i = this.#freeSlots.findIndex((s) => s > slot);
    if (i === -1) this.#freeSlots.push(slot);
    else this.#freeSlots.splice(i, 0, slot);
  }

  /** `id`'s completion is being journaled: until it is, its dependents must not start. */
  completing(id: string): void {
    this.#completing.add(id);
  }

  /** `id`'s completion is in the journal: its dependents count it and are queued when ready. */
  completed(id: string, state: CascadeState): void {
    this.#completing.delete(id);
    const dependents = this.dependents.get(id) ?? [];
    for (const d of dependents) this.#unmet.set(d, (this.#unmet.get(d) ?? 1) - 1);
    for (const d of dependents) this.offer(d, state);
  }
}
