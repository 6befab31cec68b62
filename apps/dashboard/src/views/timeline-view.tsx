import { elapsedSeconds } from '@program-nova/state';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Breadcrumbs } from '../components/breadcrumbs.js';
import { STATUS_META, StatusBadge } from '../components/status.js';
import { VirtualRows } from '../components/virtual-rows.js';
import { useDashboard } from '../data/dashboard-context.js';
import { formatSeconds, formatTime } from '../format.js';
import { hrefFor } from '../routing/routes.js';

type Row = { kind: 'branch'; branch: string; count: number } | { kind: 'task'; id: string };

const ZOOMS = [1, 1.5, 2, 3, 4, 6, 8, 12, 16];
/** Width of one character of an axis label (11.5 px tabular figures), and the gap between labels. */
const CHAR_PX = 7.5;
const GAP_PX = 16;

/**
 * The labels of the time axis: as many as fit the track's width without overlapping (the first
 * is anchored left, the last right, the others centred), never two for the same second. Labels
 * carry the date when it is not today, unless that leaves room for fewer than three.
 */
export function axisTicks(
  t0: number | null,
  span: number,
  trackPx: number,
  now: Date,
): { at: number; text: string }[] {
  if (t0 === null) return [];
  const full = (t: number) => formatTime(new Date(t).toISOString(), now);
  const timeOnly = (t: number) => full(t).split(' ').at(-1)!;
  const hhmm = span >= 3 * 3600_000;
  const fit = (text: (t: number) => string) => {
    const widest = Math.max(text(t0).length, text(t0 + span).length) * CHAR_PX;
    return Math.floor(trackPx / (widest + GAP_PX));
  };
  let text = full;
  if (fit(full) < 2 && full(t0) !== timeOnly(t0)) text = timeOnly;
  const shown = (t: number) => (hhmm ? text(t).replace(/:\d\d$/, '') : text(t));
  const n = Math.min(24, fit(shown), Math.floor(span / 1000));
  if (n < 1) return [{ at: 0, text: shown(t0) }];
  return Array.from({ length: n + 1 }, (_, i) => ({ at: i / n, text: shown(t0 + (i / n) * span) }));
}

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

  // The axis labels are laid out for the track's real width (it changes with the screen and zoom).
  const observer = useRef<ResizeObserver | null>(null);
  const measureTrack = useCallback((el: HTMLElement | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el || typeof ResizeObserver === 'undefined') return;
    observer.current = new ResizeObserver(() =>
      setTrackPx(el.getBoundingClientRect().width || 800),
    );
    observer.current.observe(el);
  }, []);
  useEffect(() => () => observer.current?.disconnect(), []);

  const t0 = project.startedAt ? Date.parse(project.startedAt) : null;
  const t1 = project.endedAt ? Date.parse(project.endedAt) : now.getTime();
  const span = t0 !== null ? Math.max(1000, t1 - t0) : 1;
  const notStarted = model.ids.length - started;
  const factor = ZOOMS[zoom]!;
  const axis = axisTicks(t0, span, trackPx, now);
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
                <span className="tl-track" ref={measureTrack}>
                  {axis.map(({ at, text }, i) => (
                    <span
                      key={at}
                      className={`tl-tick${i === 0 ? ' first' : i === axis.length - 1 ? ' last' : ''}`}
                      style={{ left: `${at * 100}%` }}
                    >
                      {text}
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
