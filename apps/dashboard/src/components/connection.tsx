import type { PollSnapshot } from '../data/poller.js';
import { formatAgo } from '../format.js';

export function ConnectionStatus({ snapshot, now }: { snapshot: PollSnapshot; now: Date }) {
  let kind: 'live' | 'paused' | 'problem' | 'waiting' | 'loading';
  let text: string;
  if (snapshot.paused) {
    kind = 'paused';
    text = 'Paused (tab hidden)';
  } else if (snapshot.problem) {
    kind = snapshot.problem.kind === 'missing' ? 'waiting' : 'problem';
    text =
      snapshot.problem.kind === 'missing'
        ? 'Waiting for state file'
        : snapshot.problem.kind === 'offline'
          ? 'Server unreachable'
          : 'State unreadable';
  } else if (snapshot.loading) {
    kind = 'loading';
    text = 'Connecting…';
  } else {
    kind = 'live';
    text =
      snapshot.lastContactAt === null
        ? 'Live'
        : `Live · checked ${formatAgo(now.getTime() - snapshot.lastContactAt)}`;
  }
  return (
    <span className={`conn conn-${kind}`} role="status" data-testid="connection">
      <span className="conn-dot" aria-hidden="true" />
      {text}
    </span>
  );
}

/** Says plainly why the page may be stale; the last good view stays below it. */
export function ProblemBanner({ snapshot }: { snapshot: PollSnapshot }) {
  if (!snapshot.problem) return null;
  const stale = snapshot.state !== null;
  return (
    <div className={`banner banner-${snapshot.problem.kind}`} role="alert" data-testid="problem">
      <strong>
        {snapshot.problem.kind === 'missing'
          ? 'No state file yet.'
          : snapshot.problem.kind === 'offline'
            ? 'Lost contact with the dashboard server.'
            : 'The state file could not be read.'}
      </strong>{' '}
      {snapshot.problem.message}
      {stale ? <em className="banner-stale"> — showing the last good state below.</em> : null}
    </div>
  );
}
