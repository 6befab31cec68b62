/**
 * When and how a running child is stopped: the wall-clock and inactivity timeouts, the grace after
 * the agent's result, `terminate()`, and, whatever the reason, SIGTERM to the whole group, a grace,
 * then SIGKILL. After the leader exits, whatever it left in its group is stopped the same way.
 */
import type { StopReason } from './outcome.js';
import { isProcessAlive, killProcessGroup } from './process-group.js';

export interface StopTimings {
  killGraceMs: number;
  resultGraceMs: number;
  timeoutMs: number | undefined;
  inactivityMs: number | undefined;
}

/** The process to stop: its group when it leads one, else the process alone (Windows). */
export interface StopTarget {
  pgid: number | null;
  killLeader(signal: NodeJS.Signals): void;
}

/** How long past the kill grace a group may take to empty before `settle` stops waiting. */
const GROUP_WAIT_EXTRA_MS = 3000;
/** How long past the kill grace the output pipes may stay open after the leader exited. */
const PIPES_WAIT_EXTRA_MS = 2000;

export class StopController {
  /** The first reason Nova stopped the process for (a stop after it exited does not count). */
  reason: StopReason | null = null;
  resultBeforeStop = false;
  terminateCalls = 0;
  readonly #target: StopTarget;
  readonly #t: StopTimings;
  #running = false;
  #exited = false;
  #resultSeen = false;
  #lastOutputAt = Date.now();
  #wallTimer: NodeJS.Timeout | null = null;
  #idleTimer: NodeJS.Timeout | null = null;
  #resultTimer: NodeJS.Timeout | null = null;
  #killTimer: NodeJS.Timeout | null = null;
  #pipesTimer: NodeJS.Timeout | null = null;

  constructor(target: StopTarget, timings: StopTimings) {
    this.#target = target;
    this.#t = timings;
  }

  /** The child is running: the timeouts start now. */
  started(): void {
    this.#running = true;
    if (this.#t.timeoutMs !== undefined) {
      this.#wallTimer = setTimeout(() => this.stop('timeout'), this.#t.timeoutMs);
    }
    if (this.#t.inactivityMs !== undefined) this.#armIdle(this.#t.inactivityMs);
  }

  outputSeen(): void {
    this.#lastOutputAt = Date.now();
  }

  /** The agent sent its result: it gets `resultGraceMs` to exit on its own. */
  resultSeen(): void {
    if (this.#resultSeen) return;
    this.#resultSeen = true;
    if (this.#running && !this.#exited) {
      this.#resultTimer = setTimeout(() => this.stop('result_grace'), this.#t.resultGraceMs);
    }
  }

  /** SIGTERM to the group now, SIGKILL after the grace. `null`: reaping, not a reason to record. */
  stop(reason: StopReason | null): void {
    if (reason !== null && this.reason === null && !this.#exited) {
      this.reason = reason;
      this.resultBeforeStop = this.#resultSeen;
    }
    this.#signal('SIGTERM');
    this.#killTimer ??= setTimeout(() => this.#signal('SIGKILL'), this.#t.killGraceMs);
  }

  /** First call: a stop. Later calls: SIGKILL at once (also to what an exited leader left). */
  terminate(): void {
    this.terminateCalls += 1;
    if (this.terminateCalls > 1) this.#signal('SIGKILL');
    else if (!this.#exited) this.stop('terminated');
  }

  /** SIGKILL to the group at once, recording no reason: for a child that must not get going. */
  killNow(): void {
    this.#signal('SIGKILL');
  }

  /**
   * The leader exited: the timeouts end, anything it left in its group is stopped, and if a process
   * that left the group keeps the output pipes open, `closePipes` runs eventually.
   */
  leaderExited(closePipes: () => void): void {
    this.#exited = true;
    this.#clear(this.#wallTimer, this.#idleTimer, this.#resultTimer);
    if (this.#groupAlive()) this.stop(null);
    this.#pipesTimer = setTimeout(closePipes, this.#t.killGraceMs + PIPES_WAIT_EXTRA_MS);
  }

  /** Ends every timer; after a stop, first waits (bounded) until no process of the group is left. */
  async settle(): Promise<void> {
    this.#clear(this.#wallTimer, this.#idleTimer, this.#resultTimer, this.#pipesTimer);
    if (this.#killTimer === null) return;
    const until = Date.now() + this.#t.killGraceMs + GROUP_WAIT_EXTRA_MS;
    while (this.#groupAlive() && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
    }
    this.#clear(this.#killTimer);
  }

  #armIdle(ms: number): void {
    const limit = this.#t.inactivityMs as number;
    this.#idleTimer = setTimeout(() => {
      if (this.#exited) return;
      const idle = Date.now() - this.#lastOutputAt;
      if (idle >= limit) this.stop('inactivity');
      else this.#armIdle(limit - idle);
    }, ms);
  }

  #signal(signal: NodeJS.Signals): void {
    try {
      const { pgid } = this.#target;
      if (pgid !== null) killProcessGroup(pgid, signal);
      else if (!this.#exited) this.#target.killLeader(signal);
    } catch {
      // The group is gone or not ours any more: nothing left to stop.
    }
  }

  #groupAlive(): boolean {
    const { pgid } = this.#target;
    if (pgid === null) return false;
    try {
      return isProcessAlive(-pgid);
    } catch {
      return false;
    }
  }

  #clear(...timers: (NodeJS.Timeout | null)[]): void {
    for (const t of timers) if (t !== null) clearTimeout(t);
  }
}
