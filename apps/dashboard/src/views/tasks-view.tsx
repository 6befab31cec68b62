import { Breadcrumbs } from '../components/breadcrumbs.js';
import { TaskTable } from '../components/task-table.js';
import { useDashboard } from '../data/dashboard-context.js';
import { navigate } from '../routing/navigate.js';
import { hrefFor, type TaskQuery } from '../routing/routes.js';

/** Every task of the plan in one table: filter, sort, share the address. */
export function TasksView({ query }: { query: TaskQuery }) {
  const { model, now } = useDashboard();
  const scope = [query.branch, query.group].filter((s) => s !== undefined).join(' › ');
  return (
    <section data-testid="tasks-view">
      <Breadcrumbs
        crumbs={[
          { label: model.state.project.name, route: { view: 'project' } },
          { label: 'Tasks' },
        ]}
      />
      <div className="panel">
        <div className="graph-toolbar">
          <h1>Tasks{scope ? ` of ${scope}` : ''}</h1>
          {scope ? (
            <a className="chip" href={hrefFor({ view: 'tasks', query: wholePlan(query) })}>
              Whole plan
            </a>
          ) : null}
        </div>
        <TaskTable
          model={model}
          now={now}
          query={query}
          onQuery={(next, replace) => navigate(hrefFor({ view: 'tasks', query: next }), replace)}
          showPlace
          label="Tasks of the plan"
        />
      </div>
    </section>
  );
}

function wholePlan(query: TaskQuery): TaskQuery {
  const { branch: _branch, group: _group, ...rest } = query;
  return rest;
}
