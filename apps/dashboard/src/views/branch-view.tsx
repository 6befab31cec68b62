import type { GroupRollup } from '@program-nova/state';
import { Breadcrumbs } from '../components/breadcrumbs.js';
import { NotFound } from '../components/not-found.js';
import { ProgressBar, StatusBadge, StatusCounts } from '../components/status.js';
import { useDashboard } from '../data/dashboard-context.js';
import { formatCost, formatDuration, formatTokens } from '../format.js';
import { hrefFor } from '../routing/routes.js';
import { RollupStats, tokensTotal } from './project-view.js';

export function BranchView({ branch }: { branch: string }) {
  const { model, rollup } = useDashboard();
  const b = rollup().branches.find((x) => x.branch === branch);
  const projectCrumb = { label: model.state.project.name, route: { view: 'project' as const } };
  if (!b)
    return <NotFound what={`branch "${branch}"`} crumbs={[projectCrumb, { label: branch }]} />;
  return (
    <section data-testid="branch-view">
      <Breadcrumbs crumbs={[projectCrumb, { label: branch }]} />
      <div className="panel hero">
        <div className="hero-head">
          <h1>
            <span className="muted kind">Branch</span> {branch}
          </h1>
          <StatusBadge status={b.status} />
        </div>
        <ProgressBar counts={b.counts} large />
        <StatusCounts counts={b.counts} />
        <RollupStats rollup={b} />
      </div>
      <h2 className="section-title">Groups</h2>
      <div className="cards">
        {b.groups.map((g) => (
          <GroupCard key={g.group} rollup={g} />
        ))}
      </div>
    </section>
  );
}

function GroupCard({ rollup }: { rollup: GroupRollup }) {
  return (
    <a
      className="card"
      href={hrefFor({ view: 'group', branch: rollup.branch, group: rollup.group })}
      data-testid="group-card"
    >
      <div className="card-head">
        <h3>{rollup.group}</h3>
        <StatusBadge status={rollup.status} compact />
      </div>
      <ProgressBar counts={rollup.counts} />
      <div className="card-line">
        <span>
          {rollup.counts.completed}/{rollup.counts.totalTasks} done
        </span>
        {rollup.counts.inProgress ? (
          <span className="t-in_progress">{rollup.counts.inProgress} running</span>
        ) : null}
        {rollup.counts.failed ? (
          <span className="t-failed">{rollup.counts.failed} failed</span>
        ) : null}
        {rollup.counts.blocked ? (
          <span className="t-blocked">{rollup.counts.blocked} blocked</span>
        ) : null}
      </div>
      <div className="card-line muted">
        <span>{formatDuration(rollup.wallSeconds)}</span>
        <span>{formatTokens(tokensTotal(rollup))} tok</span>
        <span>{formatCost(rollup.costUsd)}</span>
      </div>
    </a>
  );
}
