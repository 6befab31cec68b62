import type { GroupRollup, StatusSummary } from '@program-nova/state';
import { SCOPE_META, STATUS_META } from '../components/status.js';
import { scopeStatus } from '../data/labels.js';
import type { DisplayStatus, Model } from '../data/model.js';
import { hrefFor } from '../routing/routes.js';
import {
  type Box,
  type LayoutClusterInput,
  type LayoutNodeInput,
  type LayoutResult,
  layoutGraph,
} from './layout.js';

/** Above this many tasks the whole-plan graph shows groups; a group's own graph shows its tasks. */
export const TASK_GRAPH_LIMIT = 300;

export const NODE_W = 168;
export const NODE_H = 40;
export const GROUP_W = 196;
export const GROUP_H = 64;
/** Room above each drawn node inside its layout box, so a cluster's title never overlaps a node. */
export const LABEL_GAP = 14;

export type Tone = DisplayStatus | 'partly';

export interface Drawn {
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

export interface Scene {
  layout: LayoutResult;
  drawn: Map<string, Drawn>;
  criticalEdges: Set<string>;
  note: string;
}

export function countsLine(c: StatusSummary): string {
  return `${c.completed}/${c.totalTasks} done${c.inProgress ? ` · ${c.inProgress} run` : ''}${c.failed ? ` · ${c.failed} failed` : ''}${c.blocked ? ` · ${c.blocked} blocked` : ''}`;
}

export function groupDrawn(
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

export function taskDrawn(model: Model, id: string, critical: boolean): Drawn {
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

export function criticalEdgesOf(
  path: string[],
  map: (id: string) => string | undefined = (id) => id,
) {
  const edges = new Set<string>();
  for (let i = 1; i < path.length; i++) {
    const a = map(path[i - 1]!);
    const b = map(path[i]!);
    if (a && b && a !== b) edges.add(`${a}\u0000${b}`);
  }
  return edges;
}

/** Every task, boxed by branch and group (plans up to TASK_GRAPH_LIMIT tasks). */
export function planScene(model: Model): Scene {
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
export function groupScene(model: Model, g: GroupRollup, groups: GroupRollup[]): Scene {
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
export function groupsScene(model: Model, groups: GroupRollup[]): Scene {
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
export function nearest(
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
