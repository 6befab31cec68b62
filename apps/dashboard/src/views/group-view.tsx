import { formatCost, formatTokens, totalTokens } from '@program-nova/core';
import { elapsedSeconds } from '@program-nova/state';
import { useMemo, useState } from 'react';
import { Breadcrumbs } from '../components/breadcrumbs.js';
import { NotFound } from '../components/not-found.js';
import { ProgressBar, STATUS_META, StatusBadge, StatusCounts } from '../components/status.js';
import { VirtualRows } from '../components/virtual-rows.js';
import { useDashboard } from '../data/dashboard-context.js';
import type { DisplayStatus } from '../data/model.js';
import { formatSeconds } from '../format.js';
import { hrefFor } from '../routing/routes.js';
import { RollupStats } from './project-view.js';

const FILTERS: (DisplayStatus | 'all')[] = [
  'all',
  'in_progress',
  'failed',
  'blocked',
  'pending',
  'completed',
];

export function GroupView({ branch, group }: { branch: string; group: string }) {
  const { model, now, rollup } = useDashboard();
  const [filter, setFilter] = useState<DisplayStatus | 'all'>('all');
  const g = rollup()
    .branches.find((b) => b.branch === branch)
    ?.groups.find((x) => x.group === group);
  const ids = useMemo(() => {
    if (!g) return [];
    return filter === 'all' ? g.tasks : g.tasks.filter((id) => model.displayStatus(id) === filter);
  }, [g, filter, model]);
  const crumbs = [
    { label: model.state.project.name, route: { view: 'project' as const } },
    { label: branch, route: { view: 'branch' as const, branch } },
    { label: group },
  ];
  if (!g) return <NotFound what={`group "${group}" in branch "${branch}"`} crumbs={crumbs} />;
  const { state } = model;
  return (
    <section data-testid="group-view">
      <Breadcrumbs crumbs={crumbs} />
      <div className="panel hero">
        <div className="hero-head">
          <h1>
            <span className="muted kind">Group</span> {group}
          </h1>
          <StatusBadge status={g.status} />
          <a className="hero-link" href={hrefFor({ view: 'graph', branch, group })}>
            Graph of this group →
          </a>
        </div>
        <ProgressBar counts={g.counts} large />
        <StatusCounts counts={g.counts} />
        <RollupStats rollup={g} />
      </div>
      <div className="panel">
        <fieldset className="filters">
          <legend className="sr-only">Filter tasks by status</legend>
          {FILTERS.map((f) => (
            <button
              key={f}
              type="button"
              className={`chip${filter === f ? ' active' : ''}`}
              aria-pressed={filter === f}
              onClick={() => setFilter(f)}
            >
              {f === 'all' ? `All (${g.tasks.length})` : STATUS_META[f].label}
            </button>
          ))}
        </fieldset>
        {ids.length === 0 ? (
          <p className="muted">No task matches this filter.</p>
        ) : (
          <VirtualRows
            label={`Tasks of ${group}`}
            count={ids.length}
            rowHeight={40}
            maxHeight="min(70vh, 900px)"
            header={
              <div className="trow thead" aria-hidden="true">
                <span>ID</span>
                <span>Name</span>
                <span>Status</span>
                <span className="num">Duration</span>
                <span className="num">Tokens</span>
                <span className="num">Cost</span>
              </div>
            }
            renderRow={(i) => {
              const id = ids[i]!;
              const task = state.tasks[id]!;
              const status = model.displayStatus(id);
              const tokens = totalTokens(task.token_usage);
              const duration = formatSeconds(elapsedSeconds(task, now));
              const cost = formatCost(model.taskCost(task));
              const name = state.graph.tasks[id]?.name ?? '';
              return (
                <a
                  className={`trow row-${status}`}
                  aria-label={`${id} ${name}: ${STATUS_META[status].label}, duration ${duration}, ${formatTokens(tokens)} tokens, cost ${cost}`}
                  href={hrefFor({ view: 'task', id })}
                  data-task-id={id}
                >
                  <span className="mono">{id}</span>
                  <span className="ellipsis" title={name}>
                    {name}
                  </span>
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
    </section>
  );
}
