import type { GroupRollup } from '@program-nova/state';
import { Breadcrumbs } from '../components/breadcrumbs.js';
import { NotFound } from '../components/not-found.js';
import { RollupCard } from '../components/rollup-card.js';
import { ProgressBar, ScopeBadge, StatusCounts } from '../components/status.js';
import { useDashboard } from '../data/dashboard-context.js';
import { hrefFor, tasksHref } from '../routing/routes.js';
import { RollupStats } from './project-view.js';

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
          <ScopeBadge counts={b.counts} />
        </div>
        <ProgressBar counts={b.counts} large />
        <StatusCounts
          counts={b.counts}
          link={(status) => tasksHref({ status: [status], branch })}
        />
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
    <RollupCard
      title={rollup.group}
      href={hrefFor({ view: 'group', branch: rollup.branch, group: rollup.group })}
      rollup={rollup}
      testId="group-card"
    />
  );
}
