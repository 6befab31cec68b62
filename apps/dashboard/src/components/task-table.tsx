import { formatCost, formatTokens, totalTokens } from '@program-nova/core';
import { elapsedSeconds } from '@program-nova/state';
import { useMemo } from 'react';
import type { DisplayStatus, Model } from '../data/model.js';
import { runTaskQuery } from '../data/task-query.js';
import { formatSeconds } from '../format.js';
import { hrefFor, type SortKey, STATUSES, type TaskQuery } from '../routing/routes.js';
import { STATUS_META, StatusBadge } from './status.js';
import { VirtualRows } from './virtual-rows.js';

interface Column {
  key: SortKey | null;
  label: string;
  numeric?: boolean;
}

const COLUMNS: Column[] = [
  { key: 'id', label: 'ID' },
  { key: null, label: 'Name' },
  { key: 'status', label: 'Status' },
  { key: 'duration', label: 'Duration', numeric: true },
  { key: 'tokens', label: 'Tokens', numeric: true },
  { key: 'cost', label: 'Cost', numeric: true },
];

/**
 * A table of tasks filtered by status and text and sorted by any column, the whole of its state in
 * `query` (the URL): a view can be shared by its address. `scope` limits it to some tasks (a
 * group's); `showPlace` adds each task's branch and group.
 */
export function TaskTable({
  model,
  now,
  query,
  onQuery,
  scope,
  showPlace = false,
  label,
}: {
  model: Model;
  now: Date;
  query: TaskQuery;
  onQuery: (next: TaskQuery, replace?: boolean) => void;
  scope?: string[];
  showPlace?: boolean;
  label: string;
}) {
  const { state } = model;
  // Only a sort by duration changes as the clock ticks; other orders are kept per snapshot.
  const sortClock = query.sort === 'duration' ? now : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `now` matters only through sortClock
  const ids = useMemo(
    () => runTaskQuery(model, now, query, scope),
    [model, sortClock, query, scope],
  );
  const inScope = scope ?? model.ids;
  const counts = useMemo(() => {
    const c: Record<DisplayStatus, number> = {
      in_progress: 0,
      failed: 0,
      blocked: 0,
      pending: 0,
      completed: 0,
    };
    for (const id of inScope) c[model.displayStatus(id)]++;
    return c;
  }, [model, inScope]);
  const toggle = (status: DisplayStatus) => {
    const has = query.status.includes(status);
    onQuery({
      ...query,
      status: has ? query.status.filter((s) => s !== status) : [...query.status, status],
    });
  };
  const sortBy = (key: SortKey, numeric: boolean) => {
    if (query.sort === key) onQuery({ ...query, dir: query.dir === 'asc' ? 'desc' : 'asc' });
    else onQuery({ ...query, sort: key, dir: numeric ? 'desc' : 'asc' });
  };
  const columns = showPlace
    ? [COLUMNS[0]!, COLUMNS[1]!, { key: null, label: 'Branch › Group' }, ...COLUMNS.slice(2)]
    : COLUMNS;
  return (
    <div className={`task-table${showPlace ? ' with-place' : ''}`} data-testid="task-table">
      <div className="table-controls">
        <fieldset className="filters">
          <legend className="sr-only">Show tasks with the status</legend>
          <button
            type="button"
            className={`chip${query.status.length === 0 ? ' active' : ''}`}
            aria-pressed={query.status.length === 0}
            onClick={() => onQuery({ ...query, status: [] })}
          >
            All ({inScope.length.toLocaleString('en-US')})
          </button>
          {STATUSES.map((s) => (
            <button
              key={s}
              type="button"
              className={`chip s-${s}${query.status.includes(s) ? ' active' : ''}`}
              aria-pressed={query.status.includes(s)}
              data-filter={s}
              onClick={() => toggle(s)}
            >
              {STATUS_META[s].label} ({counts[s].toLocaleString('en-US')})
            </button>
          ))}
        </fieldset>
        <label className="table-filter">
          <span className="sr-only">Filter by id or name</span>
          <input
            type="search"
            placeholder="Filter by id or name"
            value={query.q}
            onChange={(e) => onQuery({ ...query, q: e.target.value }, true)}
            data-testid="table-filter"
          />
        </label>
      </div>
      <p className="muted table-count" role="status" data-testid="table-count">
        {ids.length === inScope.length
          ? `${ids.length.toLocaleString('en-US')} tasks`
          : `${ids.length.toLocaleString('en-US')} of ${inScope.length.toLocaleString('en-US')} tasks`}
        {query.sort !== 'order'
          ? `, by ${COLUMNS.find((c) => c.key === query.sort)?.label.toLowerCase() ?? query.sort} (${query.dir === 'desc' ? 'highest' : 'lowest'} first)`
          : ''}
      </p>
      {ids.length === 0 ? (
        <p className="muted">No task matches.</p>
      ) : (
        <VirtualRows
          label={label}
          count={ids.length}
          rowHeight={40}
          maxHeight="min(70vh, 900px)"
          header={
            <div className="trow thead" role="presentation">
              {columns.map((c) =>
                c.key === null ? (
                  <span key={c.label}>{c.label}</span>
                ) : (
                  <span key={c.label} className={c.numeric ? 'num' : undefined}>
                    <button
                      type="button"
                      className="sort"
                      data-sort={c.key}
                      onClick={() => sortBy(c.key!, c.numeric === true)}
                    >
                      {c.label}
                      <span aria-hidden="true">
                        {query.sort === c.key ? (query.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                      </span>
                      <span className="sr-only">
                        {query.sort === c.key
                          ? `, sorted ${query.dir === 'asc' ? 'ascending' : 'descending'}`
                          : ', sort'}
                      </span>
                    </button>
                  </span>
                ),
              )}
            </div>
          }
          renderRow={(i) => {
            const id = ids[i]!;
            const task = state.tasks[id]!;
            const def = state.graph.tasks[id];
            const status = model.displayStatus(id);
            const tokens = totalTokens(task.token_usage);
            const duration = formatSeconds(elapsedSeconds(task, now));
            const cost = formatCost(model.taskCost(task));
            const name = def?.name ?? '';
            const place = def ? `${def.branch} › ${def.group}` : '';
            return (
              <a
                className={`trow row-${status}`}
                aria-label={`${id} ${name}${showPlace ? `, ${place}` : ''}: ${STATUS_META[status].label}, duration ${duration}, ${formatTokens(tokens)} tokens, cost ${cost}`}
                href={hrefFor({ view: 'task', id })}
                data-task-id={id}
              >
                <span className="mono">{id}</span>
                <span className="ellipsis" title={name}>
                  {name}
                </span>
                {showPlace ? (
                  <span className="ellipsis muted" title={place}>
                    {place}
                  </span>
                ) : null}
                <span>
                  <StatusBadge status={status} compact />
                </span>
                <span className="num">{duration}</span>
                <span className="num">{formatTokens(tokens)}</span>
                <span className="num">{cost}</span>
              </a>
            );
          }}
        />
      )}
    </div>
  );
}
