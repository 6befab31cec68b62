import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CascadeError } from './errors.js';
import {
  criticalPath,
  dependentsMap,
  depths,
  describeCycle,
  findCycles,
  topologicalOrder,
  transitiveDependents,
  waves,
} from './graph.js';
import type { GraphNode } from './types.js';

const n = (id: string, ...dependsOn: string[]): GraphNode => ({ id, dependsOn });

// A small plan with dependencies across groups (F*, A*), plus an independent task.
const sample: GraphNode[] = [
  n('F1'),
  n('F2', 'F1'),
  n('F4', 'F1', 'F2'),
  n('A1'),
  n('A2', 'A1', 'F4'),
  n('Z9'),
];

describe('topologicalOrder', { timeout: 120_000 }, () => {
  it('keeps file order when the file is already in dependency order', () => {
    expect(topologicalOrder(sample)).toEqual(['F1', 'F2', 'F4', 'A1', 'A2', 'Z9']);
  });

  it('moves a task after a dependency declared later, and otherwise keeps file order', () => {
    const nodes = [n('A', 'C'), n('B'), n('C'), n('D')];
    expect(topologicalOrder(nodes)).toEqual(['B', 'C', 'A', 'D']);
  });

  it('takes the earliest ready task in file order at every step', () => {
    // toposort's DFS order is D, F, A, E, B, C, G here: C would wait behind E and B for no reason.
    const nodes = [
      n('A', 'F'),
      n('B', 'E'),
      n('C', 'F'),
      n('D'),
      n('E', 'A', 'D'),
      n('F'),
      n('G', 'A', 'B'),
    ];
    expect(topologicalOrder(nodes)).toEqual(['D', 'F', 'A', 'C', 'E', 'B', 'G']);
  });

  it('ignores unknown dependencies and duplicate IDs after the first', () => {
    const nodes = [n('A', 'ghost'), n('B', 'A'), n('A', 'B')];
    expect(topologicalOrder(nodes)).toEqual(['A', 'B']);
  });

  it('throws E_CYCLE naming the full cycle, with the line of a parsed task', () => {
    const nodes = [
      { id: 'F1', dependsOn: ['F3'], line: 7 },
      { id: 'F2', dependsOn: ['F1'], line: 8 },
      { id: 'F3', dependsOn: ['F2'], line: 9 },
      { id: 'X', dependsOn: [], line: 10 },
    ];
    let error: unknown;
    try {
      topologicalOrder(nodes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CascadeError);
    const ce = error as CascadeError;
    expect(ce.code).toBe('E_CYCLE');
    expect(ce.cycles).toEqual([['F1', 'F2', 'F3', 'F1']]);
    expect(ce.message).toContain('F1 -> F2 -> F3 -> F1');
    expect(ce.diagnostics).toEqual([
      expect.objectContaining({ code: 'E_CYCLE', line: 7, column: 1 }),
    ]);
  });

  it('handles a 20,000-task chain without recursion limits', () => {
    const nodes = Array.from({ length: 20_000 }, (_, i) =>
      n(`T${i}`, ...(i > 0 ? [`T${i - 1}`] : [])),
    );
    const order = topologicalOrder([...nodes].reverse());
    expect(order[0]).toBe('T0');
    expect(order.at(-1)).toBe('T19999');
    expect(criticalPath(nodes).length).toBe(20_000);
  });
});

describe('findCycles', { timeout: 120_000 }, () => {
  it('returns nothing for a DAG', () => {
    expect(findCycles(sample)).toEqual([]);
  });

  it('reports each cycle as a full path, first ID repeated, in must-finish-before direction', () => {
    const nodes = [
      n('F1', 'F3'),
      n('F2', 'F1'),
      n('F3', 'F2'),
      n('G1', 'G2'),
      n('G2', 'G1'),
      n('H'),
    ];
    expect(findCycles(nodes)).toEqual([
      ['F1', 'F2', 'F3', 'F1'],
      ['G1', 'G2', 'G1'],
    ]);
  });

  it('reports a self-dependency as [id, id]', () => {
    expect(findCycles([n('A', 'A'), n('B', 'A')])).toEqual([['A', 'A']]);
  });

  it('gives the shortest cycle through the earliest task of a tangled component', () => {
    // A -> B -> C -> D -> A and a shortcut C -> A.
    const nodes = [n('A', 'D', 'C'), n('B', 'A'), n('C', 'B'), n('D', 'C')];
    expect(findCycles(nodes)).toEqual([['A', 'B', 'C', 'A']]);
  });

  it('describes cycles in words', () => {
    expect(describeCycle(['F1', 'F2', 'F1'])).toBe(
      'dependency cycle F1 -> F2 -> F1 (F2 depends on F1, F1 depends on F2)',
    );
    expect(describeCycle(['A', 'A'])).toBe('A depends on itself');
  });
});

describe('dependents, depths, waves, critical path', { timeout: 120_000 }, () => {
  it('dependentsMap lists direct dependents in file order, an entry for every task', () => {
    expect(Object.fromEntries(dependentsMap(sample))).toEqual({
      F1: ['F2', 'F4'],
      F2: ['F4'],
      F4: ['A2'],
      A1: ['A2'],
      A2: [],
      Z9: [],
    });
  });

  it('transitiveDependents follows chains, in file order, without the task itself', () => {
    expect(transitiveDependents(sample, 'F1')).toEqual(['F2', 'F4', 'A2']);
    expect(transitiveDependents(sample, 'A2')).toEqual([]);
    expect(transitiveDependents(sample, 'nope')).toEqual([]);
    expect(transitiveDependents([n('A', 'B'), n('B', 'A'), n('C', 'B')], 'A')).toEqual(['B', 'C']);
  });

  it('depths and waves', () => {
    expect(Object.fromEntries(depths(sample))).toEqual({
      F1: 0,
      F2: 1,
      F4: 2,
      A1: 0,
      A2: 3,
      Z9: 0,
    });
    expect(waves(sample)).toEqual([['F1', 'A1', 'Z9'], ['F2'], ['F4'], ['A2']]);
    expect(waves([])).toEqual([]);
  });

  it('criticalPath gives the longest chain and remaining lengths', () => {
    expect(criticalPath(sample)).toEqual({
      path: ['F1', 'F2', 'F4', 'A2'],
      length: 4,
      remaining: { F1: 4, F2: 3, F4: 2, A1: 1 + 1, A2: 1, Z9: 1 },
    });
    expect(criticalPath([])).toEqual({ path: [], length: 0, remaining: {} });
  });

  it('criticalPath breaks ties by file order', () => {
    const nodes = [n('A'), n('B'), n('A2', 'A'), n('B2', 'B')];
    expect(criticalPath(nodes).path).toEqual(['A', 'A2']);
  });

  it('order-based helpers throw E_CYCLE', () => {
    const cyclic = [n('A', 'B'), n('B', 'A')];
    for (const fn of [depths, waves, criticalPath]) {
      expect(() => fn(cyclic)).toThrowError(expect.objectContaining({ code: 'E_CYCLE' }));
    }
  });
});

/** A random DAG: each node may depend only on earlier-generated nodes, then the list is shuffled. */
const dagArb = fc
  .integer({ min: 0, max: 40 })
  .chain((size) =>
    fc.tuple(
      fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: size, maxLength: size }),
      fc.array(fc.nat(), { minLength: size, maxLength: size }),
    ),
  )
  .map(([depSeeds, keys]) => {
    const nodes = depSeeds.map((seeds, i) => ({
      id: `N${i}`,
      dependsOn: i === 0 ? [] : [...new Set(seeds.map((s) => `N${s % i}`))],
    }));
    // shuffle deterministically by the generated keys so file order differs from creation order
    return nodes
      .map((node, i) => ({ node, key: keys[i]! }))
      .sort((a, b) => a.key - b.key)
      .map((x) => x.node);
  });

describe('properties', { timeout: 120_000 }, () => {
  it('topologicalOrder is a permutation with every dependency first, and is the earliest-ready order', () => {
    fc.assert(
      fc.property(dagArb, (nodes) => {
        const order = topologicalOrder(nodes);
        expect([...order].sort()).toEqual(nodes.map((x) => x.id).sort());
        const pos = new Map(order.map((id, i) => [id, i]));
        for (const node of nodes) {
          for (const d of node.dependsOn) expect(pos.get(d)!).toBeLessThan(pos.get(node.id)!);
        }
        // reference: repeatedly take the first node in file order whose dependencies are all placed
        const placed = new Set<string>();
        const expected: string[] = [];
        while (expected.length < nodes.length) {
          const next = nodes.find(
            (x) => !placed.has(x.id) && x.dependsOn.every((d) => placed.has(d)),
          )!;
          placed.add(next.id);
          expected.push(next.id);
        }
        expect(order).toEqual(expected);
        expect(findCycles(nodes)).toEqual([]);
      }),
    );
  });

  it('depth, waves and critical path agree with their definitions', () => {
    fc.assert(
      fc.property(dagArb, (nodes) => {
        const byId = new Map(nodes.map((x) => [x.id, x]));
        const d = depths(nodes);
        for (const node of nodes) {
          const expected =
            node.dependsOn.length === 0 ? 0 : 1 + Math.max(...node.dependsOn.map((x) => d.get(x)!));
          expect(d.get(node.id)).toBe(expected);
        }
        expect(waves(nodes).flat().sort()).toEqual(nodes.map((x) => x.id).sort());
        const cp = criticalPath(nodes);
        const maxDepth = nodes.length === 0 ? -1 : Math.max(...d.values());
        expect(cp.length).toBe(maxDepth + 1);
        for (let k = 1; k < cp.path.length; k++) {
          expect(byId.get(cp.path[k]!)!.dependsOn).toContain(cp.path[k - 1]);
        }
      }),
    );
  });

  it('a random cycle planted in a DAG is always found as a real cycle path', () => {
    fc.assert(
      fc.property(dagArb, fc.integer({ min: 1, max: 6 }), fc.nat(), (dag, len, seed) => {
        // Plant a cycle C0 <- C1 <- ... <- C(len-1) <- C0 (length 1 is a self-dependency).
        const cycleIds = Array.from({ length: len }, (_, i) => `C${i}`);
        const nodes: GraphNode[] = [...dag];
        cycleIds.forEach((id, i) => {
          const dep = cycleIds[(i + len - 1) % len]!;
          const extra = dag.length > 0 ? [dag[(seed + i) % dag.length]!.id] : [];
          nodes.splice((seed + i * 7) % (nodes.length + 1), 0, { id, dependsOn: [dep, ...extra] });
        });
        const cycles = findCycles(nodes);
        expect(cycles.length).toBe(1);
        const cycle = cycles[0]!;
        expect(cycle[0]).toBe(cycle.at(-1));
        expect([...new Set(cycle)].sort()).toEqual([...cycleIds].sort());
        const byId = new Map(nodes.map((x) => [x.id, x]));
        for (let k = 1; k < cycle.length; k++) {
          expect(byId.get(cycle[k]!)!.dependsOn).toContain(cycle[k - 1]);
        }
        expect(() => topologicalOrder(nodes)).toThrowError(
          expect.objectContaining({ code: 'E_CYCLE', cycles }),
        );
      }),
    );
  });
});
