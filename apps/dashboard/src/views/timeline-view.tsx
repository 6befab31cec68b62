import { elapsedSeconds } from '@program-nova/state';
import { useMemo } from 'react';
import { Breadcrumbs } from '../components/breadcrumbs.js';
import { STATUS_META, StatusBadge } from '../components/status.js';
import { VirtualRows } from '../components/virtual-rows.js';
import { useDashboard } from '../data/dashboard-context.js';
import { formatSeconds, formatTime } from '../format.js';
import { hrefFor } from '../routing/routes.js';

export function TimelineView() {
  const { model, now, rollup } = useDashboard();
  const { state } = model;
  const project = rollup();
  // Started tasks, by start time (file order on ties); the order only changes with the snapshot.
  const started = useMemo(() => {
    const ids = model.ids.filter((id) => state.tasks[id]!.started_at !== null);
    const at = (id: string) => Date.parse(state.tasks[id]!.started_at!);
    return ids
      .map((id, i) => ({ id, i, t: at(id) }))
      .sort((a, b) => a.t - b.t || a.i - b.i)
      .map((x) => x.id);
  }, [model, state]);
  const t0 = project.startedAt ? Date.parse(project.startedAt) : null;
  const t1 = project.endedAt ? Date.parse(project.endedAt) : now.getTime();
  const span = t0 !== null ? Math.max(1000, t1 - t0) : 1;
  const notStarted = model.ids.length - started.length;
  const ticks = t0 !== null ? [0, 0.25, 0.5, 0.75, 1].map((f) => t0 + f * span) : [];
  return (
    <section data-testid="timeline-view">
      <Breadcrumbs
        crumbs={[{ label: state.project.name, route: { view: 'project' } }, { label: 'Timeline' }]}
      />
      <div className="panel">
        <div className="graph-toolbar">
          <h1>Timeline</h1>
          <ul className="legend" aria-label="Legend">
            {(['completed', 'in_progress', 'failed'] as const).map((s) => (
              <li key={s} className={`s-${s}`}>
                <span className="legend-swatch" aria-hidden="true" />
                {STATUS_META[s].label}
              </li>
            ))}
          </ul>
        </div>
        <p className="muted">
          {started.length === 0
            ? 'No task has started yet.'
            : `${started.length.toLocaleString('en-US')} started task${started.length === 1 ? '' : 's'} over ${formatSeconds(span / 1000)}, one bar each from start to end.`}
          {notStarted > 0 ? ` ${notStarted.toLocaleString('en-US')} not started yet.` : ''}
        </p>
        {started.length > 0 && t0 !== null ? (
          <VirtualRows
            label="Task timeline"
            count={started.length}
            rowHeight={28}
            maxHeight="min(72vh, 1000px)"
            header={
              <div className="tl-row tl-axis" aria-hidden="true">
                <span>Task</span>
                <span className="tl-track">
                  {ticks.map((t, i) => (
                    <span key={t} className="tl-tick" style={{ left: `${i * 25}%` }}>
                      {formatTime(new Date(t).toISOString(), now)}
                    </span>
                  ))}
                </span>
              </div>
            }
            renderRow={(index) => {
              const id = started[index]!;
              const task = state.tasks[id]!;
              const start = Date.parse(task.started_at!);
              const seconds = elapsedSeconds(task, now) ?? 0;
              const left = ((start - t0) / span) * 100;
              const width = Math.max(0.3, ((seconds * 1000) / span) * 100);
              const status = model.displayStatus(id);
              return (
                <a
                  className="tl-row"
                  aria-label={`${id}: ${STATUS_META[status].label}, ${formatSeconds(seconds)} from ${formatTime(task.started_at, now)}`}
                  href={hrefFor({ view: 'task', id })}
                  data-task-id={id}
                >
                  <span className="tl-label">
                    <StatusBadge status={status} compact />
                    <span className="mono">{id}</span>
                  </span>
                  <span className="tl-track">
                    <span
                      className={`tl-bar s-${status}`}
                      style={{
                        left: `${Math.min(left, 99.7)}%`,
                        width: `${Math.min(width, 100 - Math.min(left, 99.7))}%`,
                      }}
                      title={`${id}: ${STATUS_META[status].label}, ${formatSeconds(seconds)} from ${formatTime(task.started_at, now)}`}
                    />
                  </span>
                </a>
              );
            }}
          />
        ) : null}
      </div>
    </section>
  );
}
