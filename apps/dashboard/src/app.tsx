import { useEffect, useMemo } from 'react';
import { ConnectionStatus, NoStateYet, ProblemBanner } from './components/connection.js';
import { NotFound } from './components/not-found.js';
import { RunPaused } from './components/run-paused.js';
import { RunState, runHealth } from './components/run-state.js';
import { SearchBox } from './components/search-box.js';
import { createDashboardData, DashboardContext } from './data/dashboard-context.js';
import { runPhase } from './data/labels.js';
import { modelOf } from './data/model.js';
import { clockOf } from './data/poller.js';
import type { SourceOptions } from './data/state-source.js';
import { useNow } from './data/use-now.js';
import { usePolledState } from './data/use-poll.js';
import { DEFAULT_QUERY, hrefFor, type Route } from './routing/routes.js';
import { useRoute } from './routing/use-route.js';
import { BranchView } from './views/branch-view.js';
import { GraphView } from './views/graph-view.js';
import { GroupView } from './views/group-view.js';
import { ProjectView } from './views/project-view.js';
import { TaskView } from './views/task-view.js';
import { TasksView } from './views/tasks-view.js';
import { TimelineView } from './views/timeline-view.js';

export interface AppProps {
  poll?: SourceOptions;
}

export function App({ poll }: AppProps) {
  const snapshot = usePolledState(poll);
  const route = useRoute();
  const { state, derived } = snapshot;
  const model = state ? modelOf(state, derived) : null;
  // Clocks stop when the run can no longer be followed (server gone, run crashed).
  const frozen = clockOf(snapshot);
  const ticking = useNow(frozen === null);
  const now = useMemo(() => (frozen === null ? ticking : new Date(frozen)), [frozen, ticking]);
  const data = useMemo(
    () => (model ? createDashboardData(model, now, derived) : null),
    [model, now, derived],
  );

  const projectName = model?.state.project.name ?? 'Program Nova';
  const phase = model ? runPhase(model.state.project, snapshot.runProcess) : null;
  const health = model && phase ? runHealth(phase, model.summary, now) : null;
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
        {health ? <RunState health={health} /> : null}
        {model && phase ? <RunPaused state={model.state} phase={phase} now={now} /> : null}
        <nav className="tabs" aria-label="Views">
          <Tab route={{ view: 'project' }} current={route} label="Overview" />
          <Tab route={{ view: 'tasks', query: DEFAULT_QUERY }} current={route} label="Tasks" />
          <Tab route={{ view: 'graph' }} current={route} label="Graph" />
          <Tab route={{ view: 'timeline' }} current={route} label="Timeline" />
        </nav>
        <SearchBox model={model} />
        <ConnectionStatus snapshot={snapshot} now={now} />
      </header>
      <ProblemBanner snapshot={snapshot} />
      <main className="main">
        {data ? (
          <DashboardContext.Provider value={data}>
            <RouteView route={route} />
          </DashboardContext.Provider>
        ) : (
          <NoStateYet snapshot={snapshot} />
        )}
      </main>
    </div>
  );
}

function sectionOf(r: Route): string {
  return r.view === 'graph' || r.view === 'timeline' || r.view === 'tasks' ? r.view : 'overview';
}

function Tab({ route, current, label }: { route: Route; current: Route; label: string }) {
  const active = sectionOf(route) === sectionOf(current);
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

function RouteView({ route }: { route: Route }) {
  switch (route.view) {
    case 'project':
      return <ProjectView />;
    case 'branch':
      return <BranchView branch={route.branch} />;
    case 'group':
      return <GroupView branch={route.branch} group={route.group} query={route.query} />;
    case 'task':
      return <TaskView id={route.id} attempt={route.attempt} />;
    case 'tasks':
      return <TasksView query={route.query} />;
    case 'graph':
      return <GraphView branch={route.branch} group={route.group} />;
    case 'timeline':
      return <TimelineView />;
    case 'not_found':
      return <NotFound what={`page ${route.path}`} />;
  }
}
