import type { CascadeState } from '@program-nova/state';
import { type Derived, derive, rollupRefreshMs } from './derive.js';
import { applyFeed, problemOf, type RunProcess, type SourceProblem } from './feed.js';
import { frozenAt, runPhase } from './labels.js';

export type { SourceProblem } from './feed.js';

export interface PollSnapshot {
  /** The last state that was read, or null before the first one. */
  state: CascadeState | null;
  /** Its feed version (the server's numbering of state snapshots). */
  version: string | null;
  /** Counts, rollups and blocked tasks of `state` (see derive.ts); null until computed. */
  derived: Derived | null;
  /** Set while the latest poll did not yield a good state. */
  problem: SourceProblem | null;
  /** True until the first poll has answered (good or not). */
  loading: boolean;
  /** Polling is paused because the tab is hidden. */
  paused: boolean;
  /** Date.now() of the last answer from the server. */
  lastContactAt: number | null;
  /** Whether the recorded run's process lives, as the server saw at the last answer. */
  runProcess: RunProcess | null;
}

/** What there is before the first poll has answered. */
export const INITIAL_SNAPSHOT: Readonly<PollSnapshot> = {
  state: null,
  version: null,
  derived: null,
  problem: null,
  loading: true,
  paused: false,
  lastContactAt: null,
  runProcess: null,
};

export interface PollerOptions {
  /** The feed's absolute or page-relative URL (default `./api/state`). */
  url?: string;
  intervalMs?: number;
  fetch?: typeof fetch;
  /** `doc` (the feed document just applied) is null when the state itself did not change. */
  onChange: (snapshot: PollSnapshot, doc: unknown) => void;
  /**
   * The text of a whole-state answer, as soon as it is read: before the rollups are derived, so
   * that whoever also needs the state can parse its own copy meanwhile (the page, from its worker).
   */
  onWhole?: (text: string) => void;
}

/**
 * Polls the state feed: the first answer is the whole state, later ones only the tasks changed
 * since the version held (`?since=`), and `304` while nothing changed, so a 5,000-task run costs a
 * few kilobytes per poll. One request at a time, the next scheduled when the previous is done.
 * While tasks run, the rollups are recomputed as the clock moves; when the server is gone or the
 * run crashed the clock stops at the last moment known. It runs in the page's worker
 * (state-worker.ts) or, where there is none, in the page itself.
 */
export class StatePoller {
  private readonly url: string;
  private readonly intervalMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly onChange: PollerOptions['onChange'];
  private readonly onWhole: PollerOptions['onWhole'];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private tick: ReturnType<typeof setTimeout> | null = null;
  private inFlight = false;
  private stopped = true;
  private visible = true;
  private snapshot: PollSnapshot = { ...INITIAL_SNAPSHOT };

  constructor(options: PollerOptions) {
    this.url = options.url ?? './api/state';
    this.intervalMs = options.intervalMs ?? 2000;
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.onChange = options.onChange;
    this.onWhole = options.onWhole;
  }

  get current(): PollSnapshot {
    return this.snapshot;
  }

  /** Starts polling; resolves when the first poll has been handled (at once when hidden). */
  start(): Promise<void> {
    if (!this.stopped) return Promise.resolve();
    this.stopped = false;
    if (!this.visible) {
      this.update({ paused: true }, null);
      return Promise.resolve();
    }
    return this.poll();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
  }

  /** The tab was hidden (stop polling) or shown again (poll at once). */
  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    if (this.stopped) return;
    if (!visible) {
      this.clearTimers();
      this.update({ paused: true }, null);
    } else {
      this.update({ paused: false }, null);
      void this.poll();
    }
  }

  /** The next poll asks for the whole state (the page lost track of the changes). */
  resync(): void {
    this.snapshot = { ...this.snapshot, version: null };
    void this.poll();
  }

  /** Polls now (also used by tests); resolves when the answer has been handled. */
  async poll(): Promise<void> {
    if (this.stopped || this.inFlight || !this.visible) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.inFlight = true;
    try {
      await this.fetchOnce();
    } finally {
      this.inFlight = false;
      if (!this.stopped && this.visible) {
        this.timer = setTimeout(() => void this.poll(), this.intervalMs);
      }
    }
  }

  private clearTimers(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.tick !== null) clearTimeout(this.tick);
    this.timer = null;
    this.tick = null;
  }

  private async fetchOnce(): Promise<void> {
    const { version, state } = this.snapshot;
    const url = version === null ? this.url : `${this.url}?since=${encodeURIComponent(version)}`;
    let response: Response;
    try {
      // With our own If-None-Match the browser passes a 304 through instead of a cached copy.
      response = await this.fetchFn(url, {
        cache: 'no-store',
        headers: version === null ? {} : { 'If-None-Match': `"${version}"` },
      });
    } catch (error) {
      const offline = this.snapshot.problem?.kind === 'offline';
      this.update(
        {
          loading: false,
          problem: {
            kind: 'offline',
            message: `Cannot reach the dashboard server (${(error as Error).message || 'network error'}): the run's process may have ended, or nova dashboard was stopped.`,
          },
        },
        null,
      );
      // The clock stops at the last contact: recompute once at that moment.
      if (!offline) this.rederive();
      return;
    }
    const now = Date.now();
    const runProcess = runProcessOf(response.headers.get('X-Run-Process'));
    if (response.status === 304 && state !== null) {
      this.update({ loading: false, problem: null, lastContactAt: now, runProcess }, null);
      this.scheduleTick();
      return;
    }
    let body: unknown = null;
    const text = await response.text().catch(() => '');
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      body = null;
    }
    if (!response.ok) {
      this.update(
        {
          loading: false,
          lastContactAt: now,
          problem: problemOf(response.status, body, 'cascade_state.json'),
          // A new document must come whole: the file may be replaced by another run's.
          version: response.status === 404 ? null : this.snapshot.version,
        },
        null,
      );
      return;
    }
    let next: CascadeState;
    try {
      next = applyFeed(state, body);
    } catch (error) {
      // Ask for the whole state next time.
      this.update(
        {
          loading: false,
          lastContactAt: now,
          version: null,
          problem: {
            kind: 'unreadable',
            message: `The server's answer could not be used (${(error as Error).message}).`,
          },
        },
        null,
      );
      return;
    }
    if ((body as { full?: unknown }).full === true) this.onWhole?.(text);
    const nextVersion = (body as { version: string }).version;
    const patch: Partial<PollSnapshot> = {
      state: next,
      version: nextVersion,
      loading: false,
      problem: null,
      lastContactAt: now,
      runProcess,
    };
    patch.derived = derive(next, nextVersion, this.clockAt({ ...this.snapshot, ...patch }));
    this.update(patch, body);
    this.scheduleTick();
  }

  /** The clock the rollups are computed at: stopped when the run cannot be followed. */
  private clockAt(s: PollSnapshot): number {
    return clockOf(s) ?? Date.now();
  }

  private rederive(): void {
    const { state, version } = this.snapshot;
    if (state === null || version === null) return;
    this.update({ derived: derive(state, version, this.clockAt(this.snapshot)) }, null);
  }

  /** While tasks run, durations grow: recompute the rollups now and then. */
  private scheduleTick(): void {
    const { state, derived } = this.snapshot;
    if (this.tick !== null || state === null || derived === null) return;
    if (derived.summary.inProgress === 0 || clockOf(this.snapshot) !== null) return;
    const every = rollupRefreshMs(derived.summary.totalTasks);
    this.tick = setTimeout(() => {
      this.tick = null;
      if (this.stopped || !this.visible) return;
      this.rederive();
      this.scheduleTick();
    }, every);
  }

  private update(patch: Partial<PollSnapshot>, doc: unknown): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.onChange(this.snapshot, doc);
  }
}

/**
 * Where the clock of a snapshot stands still (ms since the epoch): at the last contact when the
 * server is gone, at the last update when the run crashed; null while it runs on.
 */
export function clockOf(s: PollSnapshot): number | null {
  if (s.state === null) return null;
  const offline = s.problem?.kind === 'offline' ? s.lastContactAt : null;
  return frozenAt(runPhase(s.state.project, s.runProcess), offline, s.state.project);
}

function runProcessOf(header: string | null): RunProcess | null {
  return header === 'alive' || header === 'gone' || header === 'none' ? header : null;
}
