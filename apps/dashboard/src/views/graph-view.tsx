import { clip } from '@program-nova/core';
import type { GroupRollup, StatusSummary } from '@program-nova/state';
import { useMemo } from 'react';
import { Breadcrumbs } from '../components/breadcrumbs.js';
import { NotFound } from '../components/not-found.js';
import { PanZoom } from '../components/pan-zoom.js';
import { SCOPE_META, STATUS_META } from '../components/status.js';
import { useDashboard } from '../data/dashboard-context.js';
import { scopeStatus } from '../data/labels.js';
import type { DisplayStatus, Model } from '../data/model.js';
import {
  type Box,
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
const GROUP_H = 64;
/** Room above each drawn node inside its layout box, so a cluster's title never overlaps a node. */
const LABEL_GAP = 14;

type Tone = DisplayStatus | 'partly';

interface Drawn {
  kind: 'task' | 'group' | 'neighbour';
  id: string;
  tone: Tone;
  /** The status word, for the tooltip and the accessible name. */
  word: string;
  icon: string;
  critical: boolean;
  title: string;
  sub: string;
  href: string;
  /** Group and neighbour nodes: their counts, drawn as a progress fill. */
  counts?: StatusSummary;
}

interface Scene {
  layout: LayoutResult;
  drawn: Map<string, Drawn>;
  criticalEdges: Set<string>;
  note: string;
}

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

function countsLine(c: StatusSummary): string {
  return `${c.completed}/${c.totalTasks} done${c.inProgress ? ` · ${c.inProgress} run` : ''}${c.failed ? ` · ${c.failed} failed` : ''}${c.blocked ? ` · ${c.blocked} blocked` : ''}`;
}

function groupDrawn(
  g: GroupRollup,
  id: string,
  kind: 'group' | 'neighbour',
  title: string,
  critical: boolean,
  href: string,
): Drawn {
  const status = scopeStatus(g.counts);
  const meta = SCOPE_META[status];
  return {
    kind,
    id,
    tone: meta.tone,
    word: meta.label,
    icon: meta.icon,
    critical,
    title,
    sub: countsLine(g.counts),
    href,
    counts: g.counts,
  };
}

function taskDrawn(model: Model, id: string, critical: boolean): Drawn {
  const status = model.displayStatus(id);
  return {
    kind: 'task',
    id,
    tone: status,
    word: STATUS_META[status].label,
    icon: STATUS_META[status].icon,
    critical,
    title: id,
    sub: model.state.graph.tasks[id]?.name ?? '',
    href: hrefFor({ view: 'task', id }),
  };
}

function criticalEdgesOf(path: string[], map: (id: string) => string | undefined = (id) => id) {
  const edges = new Set<string>();
  for (let i = 1; i < path.length; i++) {
    const a = map(path[i - 1]!);
    const b = map(path[i]!);
    if (a && b && a !== b) edges.add(`${a}\u0000${b}`);
  }
  return edges;
}

/** Every task, boxed by branch and group (plans up to TASK_GRAPH_LIMIT tasks). */
function planScene(model: Model): Scene {
  const { state } = model;
  const crit = model.critical();
  const nodes: LayoutNodeInput[] = [];
  const clusters = new Map<string, LayoutClusterInput>();
  const drawn = new Map<string, Drawn>();
  const edges: { from: string; to: string }[] = [];
  for (const id of model.ids) {
    const def = state.graph.tasks[id];
    if (!def) continue;
    const b = `b\u0000${def.branch}`;
    const g = `g\u0000${def.branch}\u0000${def.group}`;
    if (!clusters.has(b)) clusters.set(b, { id: b, label: def.branch });
    if (!clusters.has(g)) clusters.set(g, { id: g, label: def.group, parent: b });
    nodes.push({ id, width: NODE_W, height: NODE_H + LABEL_GAP, cluster: g });
    drawn.set(id, taskDrawn(model, id, crit.ids.has(id)));
    for (const dep of def.depends_on) edges.push({ from: dep, to: id });
  }
  return {
    layout: layoutGraph(nodes, [...clusters.values()], edges),
    drawn,
    criticalEdges: criticalEdgesOf(crit.path),
    note: `${model.ids.length} tasks, boxed by branch and group. Click a task to open it.`,
  };
}

/**
 * One group's tasks; the groups they depend on, or that depend on them, drawn as one node each
 * (upstream on the left, downstream on the right), with their progress.
 */
function groupScene(model: Model, g: GroupRollup, groups: GroupRollup[]): Scene {
  const { state } = model;
  const crit = model.critical();
  const inScope = new Set(g.tasks);
  const byKey = new Map(groups.map((x) => [`${x.branch}\u0000${x.group}`, x]));
  const nodes: LayoutNodeInput[] = [];
  const drawn = new Map<string, Drawn>();
  const edgeKeys = new Set<string>();
  const edges: { from: string; to: string }[] = [];
  const cluster = `g\u0000${g.branch}\u0000${g.group}`;
  const addEdge = (from: string, to: string) => {
    const k = `${from}\u0000${to}`;
    if (edgeKeys.has(k)) return;
    edgeKeys.add(k);
    edges.push({ from, to });
  };
  const neighbour = (taskId: string, side: 'up' | 'down'): string | null => {
    const def = state.graph.tasks[taskId];
    const other = def ? byKey.get(`${def.branch}\u0000${def.group}`) : undefined;
    if (!def || !other) return null;
    const id = `${side}\u0000${def.branch}\u0000${def.group}`;
    if (!drawn.has(id)) {
      nodes.push({ id, width: GROUP_W, height: GROUP_H + LABEL_GAP });
      const place = def.branch === g.branch ? def.group : `${def.branch} › ${def.group}`;
      drawn.set(
        id,
        groupDrawn(
          other,
          id,
          'neighbour',
          `${side === 'up' ? '←' : '→'} ${place}`,
          false,
          hrefFor({ view: 'graph', branch: def.branch, group: def.group }),
        ),
      );
    }
    return id;
  };
  for (const id of g.tasks) {
    nodes.push({ id, width: NODE_W, height: NODE_H + LABEL_GAP, cluster });
    drawn.set(id, taskDrawn(model, id, crit.ids.has(id)));
  }
  for (const id of g.tasks) {
    for (const dep of state.graph.tasks[id]?.depends_on ?? []) {
      const from = inScope.has(dep) ? dep : neighbour(dep, 'up');
      if (from) addEdge(from, id);
    }
    for (const next of model.dependents(id)) {
      if (inScope.has(next)) continue;
      const to = neighbour(next, 'down');
      if (to) addEdge(id, to);
    }
  }
  const neighbours = drawn.size - g.tasks.length;
  return {
    layout: layoutGraph(nodes, [{ id: cluster, label: g.group }], edges),
    drawn,
    criticalEdges: criticalEdgesOf(crit.path),
    note: `${g.tasks.length} tasks of this group${neighbours ? `, and the ${neighbours} groups they wait for (←) or that wait for them (→), one node each` : ''}. Click a task to open it, a group to see its graph.`,
  };
}

/** One node per group, boxed by branch (plans over TASK_GRAPH_LIMIT tasks). */
function groupsScene(model: Model, groups: GroupRollup[]): Scene {
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
    drawn.set(
      key,
      groupDrawn(
        g,
        key,
        'group',
        g.group,
        g.tasks.some((id) => crit.ids.has(id)),
        hrefFor({ view: 'graph', branch: g.branch, group: g.group }),
      ),
    );
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
  return {
    layout: layoutGraph(nodes, [...clusters.values()], edges),
    drawn,
    criticalEdges: criticalEdgesOf(crit.path, (id) => groupOf.get(id)),
    note: `${model.ids.length.toLocaleString('en-US')} tasks is too many to draw one by one, so this shows their ${groups.length} groups, each with its progress. Click a group to see its tasks.`,
  };
}

/** The node nearest to `at` in `direction` (by centre; the way it points weighs more). */
function nearest(
  nodes: Map<string, Box>,
  self: string,
  at: Box,
  direction: 'left' | 'right' | 'up' | 'down',
): string | null {
  const cx = at.x + at.width / 2;
  const cy = at.y + at.height / 2;
  let best: string | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const [id, b] of nodes) {
    if (id === self) continue;
    const dx = b.x + b.width / 2 - cx;
    const dy = b.y + b.height / 2 - cy;
    const along =
      direction === 'left' ? -dx : direction === 'right' ? dx : direction === 'up' ? -dy : dy;
    const across = direction === 'left' || direction === 'right' ? Math.abs(dy) : Math.abs(dx);
    if (along <= 1) continue;
    const score = along + across * 2;
    if (score < bestScore) {
      bestScore = score;
      best = id;
    }
  }
  return best;
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
