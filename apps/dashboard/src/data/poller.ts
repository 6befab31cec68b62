import { type CascadeState, parseStateText } from '@program-nova/state';

/** Why the page may not be showing the current state; the last good state stays on screen meanwhile. */
export type SourceProblem =
  | { kind: 'missing'; message: string }
  | { kind: 'unreadable'; message: string }
  | { kind: 'offline'; message: string };

export interface PollSnapshot {
  /** The last state that was read and validated, or null before the first one. */
  state: CascadeState | null;
  /** Set while the latest poll did not yield a good state. */
  problem: SourceProblem | null;
  /** True until the first poll has answered (good or not). */
  loading: boolean;
  /** Polling is paused because the tab is hidden. */
  paused: boolean;
  /** Date.now() of the last answer from the server (200 or 304). */
  lastContactAt: number | null;
}

export interface PollerOptions {
  url?: string;
  intervalMs?: number;
  fetch?: typeof fetch;
  /** The document whose visibility pauses polling (injectable for tests). */
  doc?: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;
  onChange: (snapshot: PollSnapshot) => void;
}

/**
 * Polls the state snapshot with conditional requests: the server answers 304 without a body while
 * the file is unchanged, so an idle dashboard costs almost nothing. One request at a time; the next
 * is scheduled when the previous one is done. Hidden tabs do not poll; becoming visible polls at once.
 */
/** What there is before the first poll has answered. */
export const INITIAL_SNAPSHOT: Readonly<PollSnapshot> = {
  state: null,
  problem: null,
  loading: true,
  paused: false,
  lastContactAt: null,
};

export class StatePoller {
  private readonly url: string;
  private readonly intervalMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly doc: PollerOptions['doc'];
  private readonly onChange: (snapshot: PollSnapshot) => void;
  private etag: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight = false;
  private stopped = true;
  private snapshot: PollSnapshot = { ...INITIAL_SNAPSHOT };

  constructor(options: PollerOptions) {
    this.url = options.url ?? './cascade_state.json';
    this.intervalMs = options.intervalMs ?? 2000;
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.doc = options.doc ?? (typeof document === 'undefined' ? undefined : document);
    this.onChange = options.onChange;
  }

  get current(): PollSnapshot {
    return this.snapshot;
  }

  /** Starts polling; resolves when the first poll has been handled (at once if the tab is hidden). */
  start(): Promise<void> {
    if (!this.stopped) return Promise.resolve();
    this.stopped = false;
    this.doc?.addEventListener('visibilitychange', this.onVisibility);
    if (this.isHidden()) {
      this.update({ paused: true });
      return Promise.resolve();
    }
    return this.poll();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
    this.doc?.removeEventListener('visibilitychange', this.onVisibility);
  }

  /** Polls now (also used by tests); resolves when the answer has been handled. */
  async poll(): Promise<void> {
    if (this.stopped || this.inFlight || this.isHidden()) return;
    this.clearTimer();
    this.inFlight = true;
    try {
      await this.fetchOnce();
    } finally {
      this.inFlight = false;
      this.schedule();
    }
  }

  private readonly onVisibility = () => {
    if (this.stopped) return;
    if (this.isHidden()) {
      this.clearTimer();
      this.update({ paused: true });
    } else {
      this.update({ paused: false });
      void this.poll();
    }
  };

  private isHidden(): boolean {
    return this.doc?.visibilityState === 'hidden';
  }

  private schedule(): void {
    if (this.stopped || this.isHidden()) return;
    this.clearTimer();
    this.timer = setTimeout(() => void this.poll(), this.intervalMs);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private async fetchOnce(): Promise<void> {
    let response: Response;
    try {
      // With our own If-None-Match the browser passes the 304 through instead of its cached copy.
      response = await this.fetchFn(this.url, {
        cache: 'no-store',
        headers: this.etag ? { 'If-None-Match': this.etag } : {},
      });
    } catch (error) {
      this.update({
        loading: false,
        problem: {
          kind: 'offline',
          message: `Cannot reach the dashboard server (${(error as Error).message || 'network error'}). Is \`nova dashboard\` still running?`,
        },
      });
      return;
    }
    const now = Date.now();
    if (response.status === 304 && this.snapshot.state) {
      this.update({ loading: false, problem: null, lastContactAt: now });
      return;
    }
    if (response.status === 404) {
      this.etag = null;
      this.update({
        loading: false,
        lastContactAt: now,
        problem: {
          kind: 'missing',
          message:
            'The state file does not exist yet: no run has written cascade_state.json. This page will update as soon as one does.',
        },
      });
      return;
    }
    if (!response.ok) {
      const detail = (await response.text().catch(() => '')).trim();
      this.update({
        loading: false,
        lastContactAt: now,
        problem: {
          kind: 'unreadable',
          message: `The server could not read the state file (HTTP ${response.status}${detail ? `: ${detail}` : ''}).`,
        },
      });
      return;
    }
    const text = await response.text();
    try {
      const state = parseStateText(text, { file: 'cascade_state.json' });
      this.etag = response.headers.get('ETag');
      this.update({ state, loading: false, problem: null, lastContactAt: now });
    } catch (error) {
      // Keep the ETag unset so the next poll fetches the body again.
      this.etag = null;
      const err = error as Error & { code?: string };
      this.update({
        loading: false,
        lastContactAt: now,
        problem: {
          kind: 'unreadable',
          message: `${err.code ? `${err.code}: ` : ''}${err.message}`,
        },
      });
    }
  }

  private update(patch: Partial<PollSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.onChange(this.snapshot);
  }
}
