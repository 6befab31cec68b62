import { useEffect, useMemo } from 'react';
import { ConnectionStatus, ProblemBanner } from './components/connection.js';
import { NotFound } from './components/not-found.js';
import { createDashboardData, DashboardContext } from './data/dashboard-context.js';
import { type Model, modelOf } from './data/model.js';
import type { PollerOptions } from './data/poller.js';
import { useNow } from './data/use-now.js';
import { usePolledState } from './data/use-poll.js';
import { hrefFor, type Route } from './routing/routes.js';
import { useRoute } from './routing/use-route.js';
import { BranchView } from './views/branch-view.js';
import { GraphView } from './views/graph-view.js';
import { GroupView } from './views/group-view.js';
import { ProjectView } from './views/project-view.js';
import { TaskView } from './views/task-view.js';
import { TimelineView } from './views/timeline-view.js';

export interface AppProps {
  poll?: Omit<PollerOptions, 'onChange'>;
}

export function App({ poll }: AppProps) {
  const snapshot = usePolledState(poll);
  const route = useRoute();
  const model = snapshot.state ? modelOf(snapshot.state) : null;
  const now = useNow(true);
  const data = useMemo(() => (model ? createDashboardData(model, now) : null), [model, now]);

  const projectName = model?.state.project.name ?? 'Program Nova';
  const health = model ? runHealth(model) : null;
  const title = health ? `${health.label} · ${projectName}` : 'Program Nova';
  useEffect(() => {
    // The tab title carries the health too, for a glance from another tab.
    document.title = title;
  }, [title]);
  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/" title="Project overview">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          <span className="brand-name">{projectName}</span>
        </a>
        {model ? <RunState model={model} /> : null}
        <nav className="tabs" aria-label="Views">
          <Tab route={{ view: 'project' }} current={route} label="Overview" />
          <Tab route={{ view: 'graph' }} current={route} label="Graph" />
          <Tab route={{ view: 'timeline' }} current={route} label="Timeline" />
        </nav>
        <ConnectionStatus snapshot={snapshot} now={now} />
      </header>
      <ProblemBanner snapshot={snapshot} />
      <main className="main">
        {data ? (
          <DashboardContext.Provider value={data}>
            <RouteView route={route} />
          </DashboardContext.Provider>
        ) : snapshot.loading ? (
          <p className="empty">Loading the state…</p>
        ) : (
          <div className="panel empty-state">
            <h1>Waiting for a run</h1>
            <p className="muted">
              Nothing has been written to <code>cascade_state.json</code> yet. Start one with{' '}
              <code>nova run</code> in the folder this dashboard watches; this page follows it by
              itself, no reload needed.
            </p>
          </div>
        )}
      </main>
    </div>
  );
}

function Tab({ route, current, label }: { route: Route; current: Route; label: string }) {
  const section = (r: Route) =>
    r.view === 'graph' ? 'graph' : r.view === 'timeline' ? 'timeline' : 'overview';
  const active = section(route) === section(current);
  return (
    <a
      className={`tab${active ? ' active' : ''}`}
      href={hrefFor(route)}
      aria-current={active ? 'page' : undefined}
    >
      {label}
    </a>
  );
}

/** The one-line health of the run, for the top bar and the tab title. */
function runHealth(model: Model): {
  status: 'completed' | 'in_progress' | 'failed' | 'pending';
  label: string;
} {
  const { summary, state } = model;
  if (summary.failed > 0) {
    const phase =
      summary.inProgress > 0 ? 'Running · ' : state.project.completed_at ? 'Finished · ' : '';
    return { status: 'failed', label: `${phase}${summary.failed} failed` };
  }
  if (summary.inProgress > 0) return { status: 'in_progress', label: 'Running' };
  if (summary.totalTasks > 0 && summary.completed === summary.totalTasks) {
    return { status: 'completed', label: 'All completed' };
  }
  return { status: 'pending', label: state.project.completed_at ? 'Stopped' : 'Not running' };
}

function RunState({ model }: { model: Model }) {
  const { status, label } = runHealth(model);
  return (
    <span className={`run-state s-${status}`} data-testid="run-state">
      <span className="run-state-label">{label}</span>
    </span>
  );
}

function RouteView({ route }: { route: Route }) {
  switch (route.view) {
    case 'project':
      return <ProjectView />;
    case 'branch':
      return <BranchView branch={route.branch} />;
    case 'group':
      return <GroupView branch={route.branch} group={route.group} />;
    case 'task':
      return <TaskView id={route.id} />;
    case 'graph':
      return <GraphView branch={route.branch} group={route.group} />;
    case 'timeline':
      return <TimelineView />;
    case 'not_found':
      return <NotFound what={`page ${route.path}`} />;
  }
}
