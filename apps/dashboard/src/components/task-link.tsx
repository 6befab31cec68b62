import type { Model } from '../data/model.js';
import { hrefFor } from '../routing/routes.js';
import { StatusBadge } from './status.js';

/** A link to a task, with its status (used for dependencies, dependents and "blocked by"). */
export function TaskLink({ model, id }: { model: Model; id: string }) {
  const name = model.state.graph.tasks[id]?.name;
  return (
    <a className="task-link" href={hrefFor({ view: 'task', id })}>
      <StatusBadge status={model.displayStatus(id)} compact />
      <span className="mono">{id}</span>
      {name ? <span className="task-link-name">{name}</span> : null}
    </a>
  );
}
