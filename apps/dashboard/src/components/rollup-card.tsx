import { formatCost, formatTokens, totalTokens } from '@program-nova/core';
import type { Rollup } from '@program-nova/state';
import { formatSeconds } from '../format.js';
import { ProgressBar, ScopeBadge } from './status.js';

/** A linked card for one branch or group: status, progress, counts, time, tokens and cost. */
export function RollupCard({
  title,
  href,
  rollup,
  testId,
  detail,
}: {
  title: string;
  href: string;
  rollup: Rollup;
  testId: string;
  /** Shown first on the muted line, e.g. the number of groups of a branch. */
  detail?: string;
}) {
  const { counts } = rollup;
  return (
    <a className="card" href={href} data-testid={testId}>
      <div className="card-head">
        <h3>{title}</h3>
        <ScopeBadge counts={counts} compact />
      </div>
      <ProgressBar counts={counts} />
      <div className="card-line">
        <span>
          {counts.completed}/{counts.totalTasks} done
        </span>
        {counts.inProgress ? (
          <span className="t-in_progress">{counts.inProgress} running</span>
        ) : null}
        {counts.failed ? <span className="t-failed">{counts.failed} failed</span> : null}
        {counts.blocked ? <span className="t-blocked">{counts.blocked} blocked</span> : null}
      </div>
      <div className="card-line muted">
        {detail ? <span>{detail}</span> : null}
        <span>{formatSeconds(rollup.wallSeconds)}</span>
        <span>{formatTokens(totalTokens(rollup.tokens))} tok</span>
        <span>{formatCost(rollup.costUsd)}</span>
      </div>
    </a>
  );
}
