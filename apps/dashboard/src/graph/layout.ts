import dagre from '@dagrejs/dagre';

export interface LayoutNodeInput {
  id: string;
  width: number;
  height: number;
  /** Cluster (box) this node is drawn in. */
  cluster?: string;
}

export interface LayoutClusterInput {
  id: string;
  label: string;
  parent?: string;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LayoutResult {
  width: number;
  height: number;
  nodes: Map<string, Box>;
  clusters: (Box & { id: string; label: string; depth: number })[];
  edges: { from: string; to: string; points: { x: number; y: number }[] }[];
}

/**
 * Lays out a dependency graph left to right with dagre, nodes boxed by cluster (branch / group).
 * Returned boxes use top-left corners (dagre gives centres).
 */
export function layoutGraph(
  nodes: LayoutNodeInput[],
  clusters: LayoutClusterInput[],
  edges: { from: string; to: string }[],
): LayoutResult {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 56, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const c of clusters) g.setNode(c.id, { label: c.label, clusterLabelPos: 'top' });
  for (const c of clusters) if (c.parent) g.setParent(c.id, c.parent);
  const known = new Set<string>();
  for (const n of nodes) {
    g.setNode(n.id, { width: n.width, height: n.height });
    if (n.cluster) g.setParent(n.id, n.cluster);
    known.add(n.id);
  }
  for (const e of edges) {
    if (known.has(e.from) && known.has(e.to) && e.from !== e.to) g.setEdge(e.from, e.to);
  }
  dagre.layout(g);

  const result: LayoutResult = { width: 0, height: 0, nodes: new Map(), clusters: [], edges: [] };
  const depthOf = (id: string): number => {
    let depth = 0;
    let parent = g.parent(id);
    while (parent) {
      depth++;
      parent = g.parent(parent);
    }
    return depth;
  };
  for (const n of nodes) {
    const v = g.node(n.id);
    result.nodes.set(n.id, {
      x: v.x - v.width / 2,
      y: v.y - v.height / 2,
      width: v.width,
      height: v.height,
    });
  }
  for (const c of clusters) {
    const v = g.node(c.id);
    if (!v || v.width === undefined) continue;
    result.clusters.push({
      id: c.id,
      label: c.label,
      depth: depthOf(c.id),
      x: v.x - v.width / 2,
      y: v.y - v.height / 2,
      width: v.width,
      height: v.height,
    });
  }
  for (const e of g.edges()) {
    result.edges.push({ from: e.v, to: e.w, points: g.edge(e).points ?? [] });
  }
  const label = g.graph();
  result.width = (label.width ?? 0) + 32;
  result.height = (label.height ?? 0) + 32;
  return result;
}
