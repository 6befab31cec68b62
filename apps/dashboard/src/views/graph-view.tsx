import { clip } from '@program-nova/core';
import { type GroupRollup, rollup } from '@program-nova/state';
import { useMemo, useRef, useState } from 'react';
import { Breadcrumbs } from '../components/breadcrumbs.js';
import { NotFound } from '../components/not-found.js';
import { STATUS_META } from '../components/status.js';
import { useDashboard } from '../data/dashboard-context.js';
import type { DisplayStatus, Model } from '../data/model.js';
import {
  type LayoutClusterInput,
  type LayoutNodeInput,
  type LayoutResult,
  layoutGraph,
} from '../graph/layout.js';
import { hrefFor } from '../routing/routes.js';

/** Above this many tasks the whole-plan graph shows groups; a group's own graph shows its tasks. */
export const TASK_GRAPH_LIMIT = 300;

const NODE_W = 168;
const NODE_H = 40;
const GROUP_W = 196;
const GROUP_H = 56;
/** Room above each drawn node inside its layout box, so a cluster's title never overlaps a node. */
const LABEL_GAP = 14;

type Drawn =
  | {
      kind: 'task';
      id: string;
      status: DisplayStatus;
      critical: boolean;
      ghost: boolean;
      title: string;
      sub: string;
      href: string;
    }
  | {
      kind: 'group';
      id: string;
      status: DisplayStatus;
      critical: boolean;
      ghost: false;
      title: string;
      sub: string;
      href: string;
    };

interface Scene {
  layout: LayoutResult;
  drawn: Map<string, Drawn>;
  criticalEdges: Set<string>;
  note: string;
}

export function GraphView({ branch, group }: { branch?: string; group?: string }) {
  const { model } = useDashboard();
  const [zoom, setZoom] = useState(1);
  const scrollRef = useRef<HTMLDivElement>(null);
  const scoped = branch !== undefined && group !== undefined;
  // The layout depends on the graph and the statuses only: recompute per state snapshot, not per
  // clock tick (statuses and counts of a rollup do not depend on `now`).
  const scene = useMemo(() => {
    const branches = rollup(model.state).branches;
    if (branch !== undefined && group !== undefined) {
      const g = branches.find((b) => b.branch === branch)?.groups.find((x) => x.group === group);
      return g ? taskScene(model, g.tasks, true) : null;
    }
    if (model.ids.length <= TASK_GRAPH_LIMIT) return taskScene(model, model.ids, false);
    return groupScene(
      model,
      branches.flatMap((b) => b.groups),
    );
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
  return (
    <section data-testid="graph-view">
      <Breadcrumbs crumbs={crumbs} />
      <div className="panel graph-panel">
        <div className="graph-toolbar">
          <h1>{scoped ? `Graph of ${group}` : 'Dependency graph'}</h1>
          <Legend />
          <div className="zoom">
            <button
              type="button"
              className="chip"
              onClick={() => setZoom((z) => Math.max(0.1, z / 1.25))}
              aria-label="Zoom out"
            >
              −
            </button>
            <button type="button" className="chip" onClick={() => setZoom(1)} title="Actual size">
              {Math.round(zoom * 100)}%
            </button>
            <button
              type="button"
              className="chip"
              onClick={() => setZoom((z) => Math.min(3, z * 1.25))}
              aria-label="Zoom in"
            >
              +
            </button>
            <button
              type="button"
              className="chip"
              onClick={() => {
                const box = scrollRef.current;
                if (!box?.clientWidth) return;
                const fit = Math.min(
                  box.clientWidth / layout.width,
                  box.clientHeight / layout.height,
                );
                setZoom(Math.max(0.1, Math.min(1, fit)));
              }}
            >
              Fit
            </button>
          </div>
        </div>
        <p className="muted graph-note" data-testid="graph-note">
          {scene.note}
        </p>
        <div className="graph-scroll" ref={scrollRef}>
          <svg
            className="graph"
            width={layout.width * zoom}
            height={layout.height * zoom}
            viewBox={`0 0 ${layout.width} ${layout.height}`}
          >
            <title>{scene.note}</title>
            <defs>
              <ArrowMarker id="arrow" />
              <ArrowMarker id="arrow-critical" />
            </defs>
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
            {[...layout.nodes].map(([id, layoutBox]) => {
              const d = drawn.get(id)!;
              const box = {
                ...layoutBox,
                y: layoutBox.y + LABEL_GAP,
                height: layoutBox.height - LABEL_GAP,
              };
              return (
                <a
                  key={id}
                  href={d.href}
                  className={`gnode s-${d.status}${d.critical ? ' critical' : ''}${d.ghost ? ' ghost' : ''}`}
                  data-node-id={id}
                  data-status={d.status}
                >
                  <title>{`${d.title} — ${STATUS_META[d.status].label}${d.critical ? ' (critical path)' : ''}`}</title>
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
                  <rect
                    className="gnode-stripe"
                    x={box.x}
                    y={box.y}
                    width={6}
                    height={box.height}
                    rx={3}
                  />
                  <text x={box.x + 14} y={box.y + 16} className="gnode-title">
                    {STATUS_META[d.status].icon} {clip(d.title, d.kind === 'group' ? 24 : 20)}
                  </text>
                  <text x={box.x + 14} y={box.y + box.height - 10} className="gnode-sub">
                    {clip(d.sub, d.kind === 'group' ? 28 : 24)}
                  </text>
                </a>
              );
            })}
          </svg>
        </div>
      </div>
    </section>
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

function taskScene(model: Model, ids: string[], scoped: boolean): Scene {
  const { state } = model;
  const crit = model.critical();
  const inScope = new Set(ids);
  const nodes: LayoutNodeInput[] = [];
  const clusters = new Map<string, LayoutClusterInput>();
  const drawn = new Map<string, Drawn>();
  const edges: { from: string; to: string }[] = [];
  const addTask = (id: string, ghost: boolean) => {
    if (drawn.has(id)) return;
    const def = state.graph.tasks[id];
    if (!def) return;
    let cluster: string | undefined;
    if (!ghost) {
      const b = `b\u0000${def.branch}`;
      const g = `g\u0000${def.branch}\u0000${def.group}`;
      if (!scoped && !clusters.has(b)) clusters.set(b, { id: b, label: def.branch });
      if (!clusters.has(g))
        clusters.set(g, { id: g, label: def.group, parent: scoped ? undefined : b });
      cluster = g;
    }
    nodes.push({ id, width: NODE_W, height: NODE_H + LABEL_GAP, cluster });
    drawn.set(id, {
      kind: 'task',
      id,
      status: model.displayStatus(id),
      critical: crit.ids.has(id),
      ghost,
      title: id,
      sub: ghost ? `${def.group} · ${def.name}` : def.name,
      href: hrefFor({ view: 'task', id }),
    });
  };
  for (const id of ids) addTask(id, false);
  for (const id of ids) {
    for (const dep of state.graph.tasks[id]?.depends_on ?? []) {
      if (scoped && !inScope.has(dep)) addTask(dep, true);
      edges.push({ from: dep, to: id });
    }
    if (scoped) {
      for (const next of model.dependents(id)) {
        if (!inScope.has(next)) {
          addTask(next, true);
          edges.push({ from: id, to: next });
        }
      }
    }
  }
  const criticalEdges = new Set<string>();
  for (let i = 1; i < crit.path.length; i++)
    criticalEdges.add(`${crit.path[i - 1]}\u0000${crit.path[i]}`);
  const ghosts = nodes.length - ids.length;
  return {
    layout: layoutGraph(nodes, [...clusters.values()], edges),
    drawn,
    criticalEdges,
    note: scoped
      ? `${ids.length} tasks of this group${ghosts ? `, with ${ghosts} connected tasks of other groups (dashed)` : ''}. Click a task to open it.`
      : `${ids.length} tasks, boxed by branch and group. Click a task to open it.`,
  };
}

function groupScene(model: Model, groups: GroupRollup[]): Scene {
  const { state } = model;
  const crit = model.critical();
  const groupOf = new Map<string, string>();
  const nodes: LayoutNodeInput[] = [];
  const clusters = new Map<string, LayoutClusterInput>();
  const drawn = new Map<string, Drawn>();
  for (const g of groups) {
    const key = `g\u0000${g.branch}\u0000${g.group}`;
    const b = `b\u0000${g.branch}`;
    if (!clusters.has(b)) clusters.set(b, { id: b, label: g.branch });
    for (const id of g.tasks) groupOf.set(id, key);
    nodes.push({ id: key, width: GROUP_W, height: GROUP_H + LABEL_GAP, cluster: b });
    const c = g.counts;
    const status: DisplayStatus = g.status;
    drawn.set(key, {
      kind: 'group',
      id: key,
      status,
      critical: g.tasks.some((id) => crit.ids.has(id)),
      ghost: false,
      title: g.group,
      sub: `${c.completed}/${c.totalTasks} done${c.inProgress ? ` · ${c.inProgress} run` : ''}${c.failed ? ` · ${c.failed} failed` : ''}`,
      href: hrefFor({ view: 'graph', branch: g.branch, group: g.group }),
    });
  }
  const edgeKeys = new Set<string>();
  const edges: { from: string; to: string }[] = [];
  for (const id of model.ids) {
    const to = groupOf.get(id);
    for (const dep of state.graph.tasks[id]?.depends_on ?? []) {
      const from = groupOf.get(dep);
      if (!from || !to || from === to) continue;
      const k = `${from}\u0000${to}`;
      if (!edgeKeys.has(k)) {
        edgeKeys.add(k);
        edges.push({ from, to });
      }
    }
  }
  const criticalEdges = new Set<string>();
  for (let i = 1; i < crit.path.length; i++) {
    const a = groupOf.get(crit.path[i - 1]!);
    const b = groupOf.get(crit.path[i]!);
    if (a && b && a !== b) criticalEdges.add(`${a}\u0000${b}`);
  }
  return {
    layout: layoutGraph(nodes, [...clusters.values()], edges),
    drawn,
    criticalEdges,
    note: `${model.ids.length.toLocaleString('en-US')} tasks is too many to draw one by one, so this shows their ${groups.length} groups (a group's colour is its rollup status). Click a group to see its tasks.`,
  };
}

/** Edge ends meet node sides; move them to the middle of the drawn (gap-less) node. */
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
