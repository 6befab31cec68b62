import { elapsedSeconds } from '@program-nova/state';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Breadcrumbs } from '../components/breadcrumbs.js';
import { STATUS_META, StatusBadge } from '../components/status.js';
import { VirtualRows } from '../components/virtual-rows.js';
import { useDashboard } from '../data/dashboard-context.js';
import { formatSeconds, formatTime } from '../format.js';
import { hrefFor } from '../routing/routes.js';

type Row = { kind: 'branch'; branch: string; count: number } | { kind: 'task'; id: string };

const ZOOMS = [1, 1.5, 2, 3, 4, 6, 8, 12, 16];
/** Room one time label needs on the axis, in pixels. */
const TICK_PX = 96;

/**
 * One bar per started task from its start to its end (to now while it runs), rows grouped by
 * branch and ordered by start, each with the task's id and name. The time axis zooms (it then
 * scrolls sideways) and carries as many labels as fit without overlapping, phone to desktop.
 */
export function TimelineView() {
  const { model, now, rollup } = useDashboard();
  const { state } = model;
  const project = rollup();
  const [zoom, setZoom] = useState(0);
  const [trackPx, setTrackPx] = useState(800);
  const panel = useRef<HTMLDivElement>(null);

  // Started tasks by branch (plan order), by start time within it (file order on ties).
  const { rows, started } = useMemo(() => {
    const out: Row[] = [];
    let count = 0;
    for (const b of state.graph.hierarchy) {
      const ids = b.groups
        .flatMap((g) => g.tasks)
        .map((id, i) => ({ id, i, at: state.tasks[id]?.started_at }))
        .filter((x): x is { id: string; i: number; at: string } => typeof x.at === 'string')
        .sort((x, y) => Date.parse(x.at) - Date.parse(y.at) || x.i - y.i);
      if (ids.length === 0) continue;
      out.push({ kind: 'branch', branch: b.branch, count: ids.length });
      for (const x of ids) out.push({ kind: 'task', id: x.id });
      count += ids.length;
    }
    return { rows: out, started: count };
  }, [state]);

  useEffect(() => {
    const el = panel.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      // The track is the row minus its label column (see .tl-row in styles.css).
      const label = el.clientWidth < 600 ? 140 : 280;
      setTrackPx(Math.max(120, el.clientWidth - label - 24));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const t0 = project.startedAt ? Date.parse(project.startedAt) : null;
  const t1 = project.endedAt ? Date.parse(project.endedAt) : now.getTime();
  const span = t0 !== null ? Math.max(1000, t1 - t0) : 1;
  const notStarted = model.ids.length - started;
  const factor = ZOOMS[zoom]!;
  const tickCount = Math.max(2, Math.min(12, Math.floor((trackPx * factor) / TICK_PX)));
  const ticks = t0 !== null ? Array.from({ length: tickCount + 1 }, (_, i) => i / tickCount) : [];
  const short = span >= 3 * 3600_000;
  const tickText = (t: number) => {
    const text = formatTime(new Date(t).toISOString(), now);
    return short ? text.replace(/:\d\d$/, '') : text;
  };
  return (
    <section data-testid="timeline-view">
      <Breadcrumbs
        crumbs={[{ label: state.project.name, route: { view: 'project' } }, { label: 'Timeline' }]}
      />
      <div className="panel" ref={panel}>
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
          <div className="zoom" role="toolbar" aria-label="Zoom the time axis">
            <button
              type="button"
              className="chip"
              aria-label="Zoom out"
              disabled={zoom === 0}
              onClick={() => setZoom((z) => Math.max(0, z - 1))}
            >
              −
            </button>
            <span className="zoom-level" data-testid="timeline-zoom">
              {factor}×
            </span>
            <button
              type="button"
              className="chip"
              aria-label="Zoom in"
              disabled={zoom === ZOOMS.length - 1}
              onClick={() => setZoom((z) => Math.min(ZOOMS.length - 1, z + 1))}
            >
              +
            </button>
            <button type="button" className="chip" onClick={() => setZoom(0)}>
              Fit
            </button>
          </div>
        </div>
        <p className="muted">
          {started === 0
            ? 'No task has started yet.'
            : `${started.toLocaleString('en-US')} started task${started === 1 ? '' : 's'} over ${formatSeconds(span / 1000)}, one bar each from start to end, by branch.`}
          {notStarted > 0 ? ` ${notStarted.toLocaleString('en-US')} not started yet.` : ''}
        </p>
        {started > 0 && t0 !== null ? (
          <VirtualRows
            label="Task timeline"
            count={rows.length}
            rowHeight={30}
            maxHeight="min(72vh, 1000px)"
            contentWidth={
              factor === 1
                ? undefined
                : `calc(var(--tl-label) + ${factor} * (100% - var(--tl-label)))`
            }
            header={
              <div className="tl-row tl-axis" aria-hidden="true">
                <span className="tl-label">Task</span>
                <span className="tl-track">
                  {ticks.map((f, i) => (
                    <span
                      key={f}
                      className={`tl-tick${i === 0 ? ' first' : i === ticks.length - 1 ? ' last' : ''}`}
                      style={{ left: `${f * 100}%` }}
                    >
                      {tickText(t0 + f * span)}
                    </span>
                  ))}
                </span>
              </div>
            }
            renderRow={(index) => {
              const row = rows[index]!;
              if (row.kind === 'branch') {
                return (
                  <div className="tl-row tl-branch" data-branch={row.branch}>
                    <span className="tl-label" tabIndex={-1}>
                      <strong>{row.branch}</strong>
                      <span className="muted"> · {row.count}</span>
                    </span>
                  </div>
                );
              }
              const id = row.id;
              const task = state.tasks[id]!;
              const name = state.graph.tasks[id]?.name ?? '';
              const start = Date.parse(task.started_at!);
              const seconds = elapsedSeconds(task, now) ?? 0;
              const left = Math.min(((start - t0) / span) * 100, 99.7);
              const width = Math.min(Math.max(0.3, ((seconds * 1000) / span) * 100), 100 - left);
              const status = model.displayStatus(id);
              const text = `${id} ${name}: ${STATUS_META[status].label}, ${formatSeconds(seconds)} from ${formatTime(task.started_at, now)}`;
              return (
                <a
                  className="tl-row"
                  aria-label={text}
                  href={hrefFor({ view: 'task', id })}
                  data-task-id={id}
                >
                  <span className="tl-label">
                    <StatusBadge status={status} compact />
                    <span className="mono">{id}</span>
                    <span className="tl-name">{name}</span>
                  </span>
                  <span className="tl-track">
                    <span
                      className={`tl-bar s-${status}`}
                      style={{ left: `${left}%`, width: `${width}%` }}
                      title={text}
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
