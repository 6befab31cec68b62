import type { PollSnapshot } from '../data/poller.js';
import { formatAgo, formatTime } from '../format.js';

const clock = (ms: number | null) => (ms === null ? '—' : formatTime(new Date(ms).toISOString()));

export function ConnectionStatus({ snapshot, now }: { snapshot: PollSnapshot; now: Date }) {
  let kind: 'live' | 'paused' | 'problem' | 'waiting' | 'loading';
  let text: string;
  if (snapshot.paused) {
    kind = 'paused';
    text = 'Paused (tab hidden)';
  } else if (snapshot.problem) {
    kind = snapshot.problem.kind === 'missing' ? 'waiting' : 'problem';
    switch (snapshot.problem.kind) {
      case 'missing':
        text = 'Waiting for state file';
        break;
      case 'offline':
        text = `Server unreachable · last update ${clock(snapshot.lastContactAt)}`;
        break;
      case 'unauthorized':
        text = 'Not authorized';
        break;
      default:
        text = 'State unreadable';
    }
  } else if (snapshot.loading) {
    kind = 'loading';
    text = 'Connecting…';
  } else {
    kind = 'live';
    text =
      snapshot.lastContactAt === null
        ? 'Live'
        : `Live · checked ${formatAgo(Date.now() - snapshot.lastContactAt)}`;
  }
  // `now` re-renders this every second, so "checked 3s ago" stays true.
  void now;
  return (
    <span className={`conn conn-${kind}`} role="status" data-testid="connection">
      <span className="conn-dot" aria-hidden="true" />
      {text}
    </span>
  );
}

const HEADINGS: Record<NonNullable<PollSnapshot['problem']>['kind'], string> = {
  missing: 'No state file yet.',
  offline: 'Lost contact with the dashboard server.',
  unauthorized: 'Not authorized.',
  unreadable: 'The state file could not be read.',
};

/** Says plainly why the page may be stale, above the last good view (which stays). */
export function ProblemBanner({ snapshot }: { snapshot: PollSnapshot }) {
  if (!snapshot.problem || snapshot.state === null) return null;
  const frozen = snapshot.problem.kind === 'offline';
  return (
    <div className={`banner banner-${snapshot.problem.kind}`} role="alert" data-testid="problem">
      <strong>{HEADINGS[snapshot.problem.kind]}</strong> {snapshot.problem.message}
      <em className="banner-stale">
        {' '}
        — showing the last good state below
        {frozen ? `, as of ${clock(snapshot.lastContactAt)}; its clocks are stopped` : ''}.
      </em>
    </div>
  );
}

/**
 * What the page shows before it has any state: loading, waiting for a run (naming the file it
 * watches), or the problem itself, in place of the waiting card, never on top of it.
 */
export function NoStateYet({ snapshot }: { snapshot: PollSnapshot }) {
  const { problem } = snapshot;
  if (snapshot.loading && problem === null) return <p className="empty">Loading the state…</p>;
  if (problem === null || problem.kind === 'missing') {
    return (
      <div className="panel empty-state" data-testid="empty-state">
        <h1>Waiting for a run</h1>
        <p className="muted">
          {problem?.message ??
            'Nothing has been written to the state file yet. This page follows it by itself.'}
        </p>
      </div>
    );
  }
  return (
    <div className="panel empty-state callout-failed" role="alert" data-testid="problem">
      <h1>{HEADINGS[problem.kind]}</h1>
      <p className="error-text">{problem.message}</p>
      <p className="muted">This page keeps trying and shows the run as soon as it can.</p>
    </div>
  );
}
