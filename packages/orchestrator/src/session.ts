/**
 * The state as the orchestrator holds it: the open store (or, once closed, the last state it had),
 * the one way transitions are recorded, and warnings, which go to listeners and into the state.
 */
import type { CascadeState, Transition } from '@program-nova/state';
import type { StateStore } from '@program-nova/state/store';
import { OrchestratorError } from './errors.js';
import type { OrchestratorEvents } from './events.js';

export type Emit = <E extends keyof OrchestratorEvents>(
  event: E,
  ...args: OrchestratorEvents[E]
) => void;

const now = () => new Date().toISOString();

export class Session {
  #store: StateStore | null = null;
  #last: CascadeState | null = null;
  /** Warnings from before the store was open (opening it, the plan): recorded once it is. */
  #early: { at: string; code: string; message: string }[] = [];
  /** Something was recorded since the last snapshot flush. */
  recordedSinceFlush = false;

  constructor(private readonly emit: Emit) {}

  get store(): StateStore | null {
    return this.#store;
  }

  get isOpen(): boolean {
    return this.#store !== null;
  }

  /** The live state, or the last one after closing. */
  state(): CascadeState {
    const s = this.#store?.state ?? this.#last;
    if (!s) {
      throw new OrchestratorError(
        'NOT_INITIALIZED',
        'call init() or run() before reading the state',
      );
    }
    return s;
  }

  /** Takes an opened store; warnings given before are recorded into it now. */
  async adopt(store: StateStore): Promise<void> {
    this.#store = store;
    const early = this.#early.splice(0);
    for (const w of early) await this.record({ type: 'warning', ...w });
  }

  async record(t: Transition): Promise<void> {
    const store = this.#store;
    if (!store) throw new OrchestratorError('NOT_INITIALIZED', 'the state is closed');
    const entry = await store.record(t);
    this.recordedSinceFlush = true;
    this.emit('recorded', entry);
  }

  /**
   * Tells listeners, and keeps it in the state's warnings so that `nova status` and the dashboard
   * can show it later (`keep: false` for warnings about listeners themselves, which would loop).
   */
  warn(code: string, message: string, keep = true): void {
    this.emit('warning', { code, message });
    if (!keep) return;
    const w = { at: now(), code, message };
    if (this.#store) {
      // A failed write surfaces at the next transition the run records, which it cannot skip.
      this.record({ type: 'warning', ...w }).catch(() => {});
    } else this.#early.push(w);
  }

  /** Final snapshot and lease released; the last state stays readable. */
  async close(): Promise<void> {
    const store = this.#store;
    if (!store) return;
    this.#store = null;
    this.#last = store.state;
    await store.close();
  }

  /** After a fatal error: let go of the store without failing again. */
  async abandon(): Promise<void> {
    await this.close().catch(() => {});
  }

  /** Forget warnings of an open that failed (they were emitted; there is no state to keep them). */
  dropEarlyWarnings(): void {
    this.#early = [];
  }

  /** The state a failed open read, for queries after it (the store itself is closed). */
  keep(state: CascadeState): void {
    this.#last = state;
  }
}
