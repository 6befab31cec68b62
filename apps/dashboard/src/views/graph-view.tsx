import { clip } from '@program-nova/core';
import { useMemo } from 'react';
import { Breadcrumbs } from '../components/breadcrumbs.js';
import { NotFound } from '../components/not-found.js';
import { PanZoom } from '../components/pan-zoom.js';
import { STATUS_META } from '../components/status.js';
import { useDashboard } from '../data/dashboard-context.js';
import type { DisplayStatus } from '../data/model.js';
import type { Box } from '../graph/layout.js';
import {
  type Drawn,
  groupScene,
  groupsScene,
  LABEL_GAP,
  nearest,
  planScene,
  TASK_GRAPH_LIMIT,
} from '../graph/scene.js';

export function GraphView({ branch, group }: { branch?: string; group?: string }) {
  const { model, rollup } = useDashboard();
  const scoped = branch !== undefined && group !== undefined;
  // The layout depends on the graph and the statuses only: recompute per state snapshot, not per
  // clock tick (statuses and counts of a rollup do not depend on `now`, so any rollup of this
  // snapshot will do: the one the worker derived, when there is one).
  // biome-ignore lint/correctness/useExhaustiveDependencies: per snapshot, not per rollup refresh
  const scene = useMemo(() => {
    const groups = rollup().branches.flatMap((b) => b.groups);
    if (branch !== undefined && group !== undefined) {
      const g = groups.find((x) => x.branch === branch && x.group === group);
      return g ? groupScene(model, g, groups) : null;
    }
    if (model.ids.length <= TASK_GRAPH_LIMIT) return planScene(model);
    return groupsScene(model, groups);
  }, [model, branch, group]);

  const projectCrumb = { label: model.state.project.name, route: { view: 'project' as const } };
  const crumbs = scoped
    ? [
        projectCrumb,
        { label: 'Graph', route: { view: 'graph' as const } },
        { label: branch!, route: { view: 'branch' as const, branch: branch! } },
        { label: group! },
      ]
    : [projectCrumb, { label: 'Graph' }];
  if (!scene) return <NotFound what={`group "${group}" in branch "${branch}"`} crumbs={crumbs} />;
  const { layout, drawn, criticalEdges } = scene;

  /** Arrow keys on a node: the nearest node that way. */
  const onArrow = (from: Element, direction: 'left' | 'right' | 'up' | 'down') => {
    const id = from.closest('[data-node-id]')?.getAttribute('data-node-id');
    const at = id ? layout.nodes.get(id) : undefined;
    if (!at) return false;
    const next = nearest(layout.nodes, id!, at, direction);
    if (next === null) return true;
    const target = [...from.ownerDocument.querySelectorAll<SVGAElement>('a.gnode')].find(
      (a) => a.dataset.nodeId === next,
    );
    target?.focus();
    return true;
  };

  return (
    <section data-testid="graph-view">
      <Breadcrumbs crumbs={crumbs} />
      <div className="panel graph-panel">
        <div className="graph-toolbar">
          <h1>{scoped ? `Graph of ${group}` : 'Dependency graph'}</h1>
          <Legend />
        </div>
        <p className="muted graph-note" data-testid="graph-note">
          {scene.note}
        </p>
        <PanZoom
          width={layout.width}
          height={layout.height}
          label={scene.note}
          focusKey={`${branch ?? ''}\u0000${group ?? ''}`}
          onArrow={onArrow}
        >
          {layout.clusters
            .slice()
            .sort((a, b) => a.depth - b.depth)
            .map((c) => (
              <g key={c.id} className={`cluster depth-${c.depth}`}>
                <rect x={c.x} y={c.y} width={c.width} height={c.height} rx={8} />
                <text x={c.x + 8} y={c.y + 14}>
                  {c.label}
                </text>
              </g>
            ))}
          {layout.edges.map((e) => {
            const critical = criticalEdges.has(`${e.from}\u0000${e.to}`);
            return (
              <path
                key={`${e.from}->${e.to}`}
                className={`edge${critical ? ' critical' : ''}`}
                d={pathOf(shiftEnds(e.points, LABEL_GAP / 2))}
                markerEnd={critical ? 'url(#arrow-critical)' : 'url(#arrow)'}
              />
            );
          })}
          {[...layout.nodes].map(([id, layoutBox]) => (
            <Node
              key={id}
              d={drawn.get(id)!}
              box={{
                ...layoutBox,
                y: layoutBox.y + LABEL_GAP,
                height: layoutBox.height - LABEL_GAP,
              }}
            />
          ))}
          <defs>
            <ArrowMarker id="arrow" />
            <ArrowMarker id="arrow-critical" />
          </defs>
        </PanZoom>
      </div>
    </section>
  );
}

function Node({ d, box }: { d: Drawn; box: Box }) {
  const c = d.counts;
  const fill = (n: number) => (c && c.totalTasks > 0 ? (n / c.totalTasks) * (box.width - 20) : 0);
  let at = box.x + 10;
  const segments = c
    ? (
        [
          ['completed', c.completed],
          ['in_progress', c.inProgress],
          ['failed', c.failed],
          ['blocked', c.blocked],
        ] as const
      ).map(([status, n]) => {
        const seg = { status, x: at, width: fill(n) };
        at += seg.width;
        return seg;
      })
    : [];
  return (
    <a
      href={d.href}
      className={`gnode s-${d.tone} kind-${d.kind}${d.critical ? ' critical' : ''}`}
      data-node-id={d.id}
      data-status={d.tone}
      aria-label={`${d.title}: ${d.word}${c ? `, ${c.completed} of ${c.totalTasks} done` : ''}${d.critical ? ', on the critical path' : ''}`}
    >
      <title>{`${d.title} — ${d.word}${d.sub ? ` · ${d.sub}` : ''}${d.critical ? ' (critical path)' : ''}`}</title>
      {d.critical ? (
        <rect
          className="gnode-halo"
          x={box.x - 4}
          y={box.y - 4}
          width={box.width + 8}
          height={box.height + 8}
          rx={9}
        />
      ) : null}
      <rect
        className="gnode-box"
        x={box.x}
        y={box.y}
        width={box.width}
        height={box.height}
        rx={6}
      />
      <rect className="gnode-stripe" x={box.x} y={box.y} width={6} height={box.height} rx={3} />
      <text x={box.x + 14} y={box.y + 16} className="gnode-title">
        {d.icon} {clip(d.title, d.kind === 'task' ? 20 : 24)}
      </text>
      <text x={box.x + 14} y={box.y + (c ? 34 : box.height - 10)} className="gnode-sub">
        {clip(d.sub, d.kind === 'task' ? 24 : 28)}
      </text>
      {c ? (
        <g className="gnode-progress" data-testid="group-progress">
          <rect
            className="gnode-track"
            x={box.x + 10}
            y={box.y + box.height - 14}
            width={box.width - 20}
            height={6}
            rx={3}
          />
          {segments.map((s) =>
            s.width > 0 ? (
              <rect
                key={s.status}
                className={`gnode-fill s-${s.status}`}
                data-fill={s.status}
                x={s.x}
                y={box.y + box.height - 14}
                width={s.width}
                height={6}
              />
            ) : null,
          )}
        </g>
      ) : null}
    </a>
  );
}

function Legend() {
  return (
    <ul className="legend" aria-label="Legend">
      {(Object.keys(STATUS_META) as DisplayStatus[]).map((s) => (
        <li key={s} className={`s-${s}`}>
          <span className="legend-swatch" aria-hidden="true" />
          {STATUS_META[s].label}
        </li>
      ))}
      <li className="legend-critical">
        <span className="legend-line" aria-hidden="true" />
        Critical path
      </li>
    </ul>
  );
}

function shiftEnds(points: { x: number; y: number }[], dy: number) {
  if (points.length < 2) return points;
  const out = points.slice();
  out[0] = { x: out[0]!.x, y: out[0]!.y + dy };
  out[out.length - 1] = { x: out[out.length - 1]!.x, y: out[out.length - 1]!.y + dy };
  return out;
}

function pathOf(points: { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  return points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`)
    .join(' ');
}

/** An arrowhead for edges; `id` is also its path's class (the critical path's is styled apart). */
function ArrowMarker({ id }: { id: string }) {
  return (
    <marker
      id={id}
      viewBox="0 0 8 8"
      refX="7"
      refY="4"
      markerWidth="8"
      markerHeight="8"
      markerUnits="userSpaceOnUse"
      orient="auto-start-reverse"
    >
      <path d="M0,0 L8,4 L0,8 z" className={id} />
    </marker>
  );
}
