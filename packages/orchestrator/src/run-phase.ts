/**
 * Where a run stands, as one value, and why it starts nothing more, as another. Every question
 * the scheduler asks ("may this start?", "can more come?", "how did it end?") is answered here.
 */
import type { RunOutcome } from '@program-nova/core';
import type { OrchestratorError } from './errors.js';

/**
 * idle: no run() in progress. opening: run() called, the state is being opened (a stop() now is
 * honoured). running: run_started is recorded, tasks start. finishing: the run is being closed.
 */
export type Phase = 'idle' | 'opening' | 'running' | 'finishing';

/** Why nothing new starts any more (running tasks may still be finishing). */
export type Halt =
  | { reason: 'stopped'; detail: string }
  | { reason: 'max_iterations'; detail: string }
  | { reason: 'fail_fast' }
  | { reason: 'budget_exhausted' }
  | { reason: 'aborted'; error: OrchestratorError }
  | { reason: 'fatal'; error: OrchestratorError };

/** A later halt replaces an earlier one only if it weighs more (a fatal error trumps everything). */
const WEIGHT: Record<Halt['reason'], number> = {
  fail_fast: 1,
  budget_exhausted: 1,
  aborted: 2,
  stopped: 3,
  max_iterations: 3,
  fatal: 4,
};

export class RunPhase {
  phase: Phase = 'idle';
  #halt: Halt | null = null;

  get halt(): Halt | null {
    return this.#halt;
  }

  /** Nothing new may start (a stop, fail-fast, the budget, an environment problem, a fatal error). */
  get halted(): boolean {
    return this.#halt !== null;
  }

  get stopping(): boolean {
    return this.#halt?.reason === 'stopped' || this.#halt?.reason === 'max_iterations';
  }

  /** Why the run was stopped (recorded on the tasks it interrupted), or null when it was not. */
  get stopDetail(): string | null {
    const h = this.#halt;
    return h?.reason === 'stopped' || h?.reason === 'max_iterations' ? h.detail : null;
  }

  get fatal(): OrchestratorError | null {
    return this.#halt?.reason === 'fatal' ? this.#halt.error : null;
  }

  /** A run is on (from run() until it has resolved or rejected). */
  get active(): boolean {
    return this.phase !== 'idle';
  }

  /** run_started is recorded and the run has not begun closing: tasks may start. */
  get running(): boolean {
    return this.phase === 'running';
  }

  /** Records why nothing more starts; returns false when an earlier halt weighs as much or more. */
  stop(halt: Halt): boolean {
    if (this.#halt !== null && WEIGHT[this.#halt.reason] >= WEIGHT[halt.reason]) return false;
    this.#halt = halt;
    return true;
  }

  /** A new run starts with a clean slate. */
  begin(): void {
    this.phase = 'opening';
    this.#halt = null;
  }

  /** How the run ended, given whether every task is completed. */
  outcome(allCompleted: boolean): RunOutcome {
    if (allCompleted) return 'completed';
    switch (this.#halt?.reason) {
      case 'stopped':
        return 'interrupted';
      case 'max_iterations':
        return 'max_iterations';
      case 'fail_fast':
        return 'fail_fast';
      case 'budget_exhausted':
        return 'budget_exhausted';
      case 'aborted':
        return 'aborted';
      default:
        return 'failed';
    }
  }
}
