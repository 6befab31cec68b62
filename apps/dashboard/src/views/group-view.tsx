import { Breadcrumbs } from '../components/breadcrumbs.js';
import { NotFound } from '../components/not-found.js';
import { ProgressBar, ScopeBadge, StatusCounts } from '../components/status.js';
import { TaskTable } from '../components/task-table.js';
import { useDashboard } from '../data/dashboard-context.js';
import { navigate } from '../routing/navigate.js';
import { DEFAULT_QUERY, hrefFor, type TaskQuery } from '../routing/routes.js';
import { RollupStats } from './project-view.js';

export function GroupView({
  branch,
  group,
  query = DEFAULT_QUERY,
}: {
  branch: string;
  group: string;
  query?: TaskQuery | undefined;
}) {
  const { model, now, rollup } = useDashboard();
  const g = rollup()
    .branches.find((b) => b.branch === branch)
    ?.groups.find((x) => x.group === group);
  const crumbs = [
    { label: model.state.project.name, route: { view: 'project' as const } },
    { label: branch, route: { view: 'branch' as const, branch } },
    { label: group },
  ];
  if (!g) return <NotFound what={`group "${group}" in branch "${branch}"`} crumbs={crumbs} />;
  const here = (q: TaskQuery) => hrefFor({ view: 'group', branch, group, query: q });
  return (
    <section data-testid="group-view">
      <Breadcrumbs crumbs={crumbs} />
      <div className="panel hero">
        <div className="hero-head">
          <h1>
            <span className="muted kind">Group</span> {group}
          </h1>
          <ScopeBadge counts={g.counts} />
          <a className="hero-link" href={hrefFor({ view: 'graph', branch, group })}>
            Graph of this group →
          </a>
        </div>
        <ProgressBar counts={g.counts} large />
        <StatusCounts
          counts={g.counts}
          link={(status) => here({ ...DEFAULT_QUERY, status: [status] })}
        />
        <RollupStats rollup={g} />
      </div>
      <div className="panel">
        <TaskTable
          model={model}
          now={now}
          query={query}
          onQuery={(next, replace) => navigate(here(next), replace)}
          scope={g.tasks}
          label={`Tasks of ${group}`}
        />
      </div>
    </section>
  );
}
