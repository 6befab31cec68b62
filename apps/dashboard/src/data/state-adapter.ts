/**
 * TEMPORARY ADAPTER — remove when @program-nova/state re-exports `dependentsMap` (parser/graph).
 * The contract re-exports only criticalPath / waves / topologicalOrder from parser/graph, and the
 * dashboard may depend on nothing but the state package. This inverts `depends_on` of the graph
 * nodes (no status logic); file order is kept, unknown IDs ignored, as parser/graph does.
 */
import type { CascadeState } from '@program-nova/state';
import { graphNodes } from '@program-nova/state';

export function dependentsMap(state: CascadeState): Map<string, string[]> {
  const nodes = graphNodes(state);
  const map = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const node of nodes) {
    for (const dep of node.dependsOn) map.get(dep)?.push(node.id);
  }
  return map;
}
