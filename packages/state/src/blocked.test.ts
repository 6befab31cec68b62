import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeCascade, usage } from '../test/helpers.js';
import { blockedBy, isBlocked } from './blocked.js';
import { createState } from './create.js';
import { DEFAULT_PRICING, taskCost } from './pricing.js';
import { rollup } from './rollup.js';
import type { CascadeState, TaskStatus } from './types.js';

/** A state over `deps` (task i may depend only on earlier tasks, so it is a DAG) with `statuses`. */
function stateOf(deps: number[][], statuses: TaskStatus[]): CascadeState {
  const s = createState(
    makeCascade(deps.map((d, i) => [`T${i}`, d.map((j) => `T${j}`), 'b', 'g'])),
  );
  statuses.forEach((st, i) => {
    s.tasks[`T${i}`]!.status = st;
  });
  return s;
}

/** The definition, spelled out naively: every ancestor walk from scratch. */
function reference(s: CascadeState, id: string): { roots: string[]; blocked: boolean } {
  const ancestors = (x: string): string[] => {
    const seen = new Set([x]);
    const out: string[] = [];
    const todo = [x];
    while (todo.length) {
      for (const d of s.graph.tasks[todo.pop()!]!.depends_on) {
        if (!seen.has(d)) {
          seen.add(d);
          out.push(d);
          todo.push(d);
        }
      }
    }
    return out;
  };
  const failed = (x: string) => s.tasks[x]!.status === 'failed';
  const above = ancestors(id).filter(failed);
  const order = Object.keys(s.graph.tasks);
  const roots = above
    .filter((f) => !ancestors(f).some(failed))
    .sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return { roots, blocked: s.tasks[id]!.status === 'pending' && above.length > 0 };
}

const STATUSES: TaskStatus[] = ['pending', 'in_progress', 'completed', 'failed'];

describe('blockedBy / isBlocked', () => {
  it('match the definition on random plans and statuses', () => {
    const plan = fc.integer({ min: 1, max: 40 }).chain((n) =>
      fc.tuple(
        fc.tuple(
          ...Array.from({ length: n }, (_, i) =>
            fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), {
              maxLength: i === 0 ? 0 : 4,
            }),
          ),
        ),
        fc.array(fc.constantFrom(...STATUSES), { minLength: n, maxLength: n }),
      ),
    );
    fc.assert(
      fc.property(plan, ([deps, statuses]) => {
        const s = stateOf(deps, statuses);
        for (const id of Object.keys(s.tasks)) {
          const want = reference(s, id);
          expect(blockedBy(s, id)).toEqual(want.roots);
          expect(isBlocked(s, id)).toBe(want.blocked);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('orders several roots by file order, not by how they were found', () => {
    // T3 depends on T2 then T0; both failed, neither below the other.
    const s = stateOf([[], [], [], [2, 0]], ['failed', 'pending', 'failed', 'pending']);
    expect(blockedBy(s, 'T3')).toEqual(['T0', 'T2']);
  });

  it('answers from the current state after an in-place change', () => {
    const s = stateOf([[], [0], [1]], ['failed', 'pending', 'pending']);
    expect(blockedBy(s, 'T2')).toEqual(['T0']);
    s.tasks.T0!.status = 'completed';
    s.tasks.T1!.status = 'failed';
    expect(blockedBy(s, 'T2')).toEqual(['T1']);
    s.tasks.T1!.status = 'pending';
    expect(blockedBy(s, 'T2')).toEqual([]);
    expect(isBlocked(s, 'T2')).toBe(false);
  });

  it('walks a 20,000-task chain without overflowing the stack', () => {
    const n = 20_000;
    const s = stateOf(
      Array.from({ length: n }, (_, i) => (i === 0 ? [] : [i - 1])),
      Array.from({ length: n }, (_, i) => (i === 0 ? 'failed' : 'pending')),
    );
    expect(blockedBy(s, `T${n - 1}`)).toEqual(['T0']);
    expect(isBlocked(s, `T${n - 1}`)).toBe(true);
  });
});

describe('taskCost', () => {
  const task = (cost_usd: number | null, model: string | null) => ({
    cost_usd,
    model,
    token_usage: usage(1_000_000, 1_000_000),
  });

  it("prefers the agent's recorded figure, else prices the tokens, else unknown", () => {
    expect(taskCost(task(1.25, 'claude-sonnet-4-5'))).toBe(1.25);
    expect(taskCost(task(0, 'claude-sonnet-4-5'))).toBe(0);
    expect(taskCost(task(null, 'claude-sonnet-4-5'))).toBeCloseTo(18, 10);
    expect(taskCost(task(null, 'some-future-model'))).toBeNull();
    expect(taskCost(task(null, null))).toBeNull();
    const pricing = {
      ...DEFAULT_PRICING,
      'some-future-model': { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 },
    };
    expect(taskCost(task(null, 'some-future-model'), pricing)).toBeCloseTo(3, 10);
  });

  it('is what rollup sums', () => {
    const s = stateOf([[], [], []], ['completed', 'completed', 'failed']);
    s.tasks.T0!.cost_usd = 0.5;
    s.tasks.T1!.model = 'claude-haiku-4-5';
    s.tasks.T1!.token_usage = usage(2_000_000, 0);
    s.tasks.T2!.model = 'mystery';
    s.tasks.T2!.token_usage = usage(10, 10);
    const r = rollup(s);
    const sum = Object.values(s.tasks).reduce((a, t) => a + (taskCost(t) ?? 0), 0);
    expect(r.costUsd).toBeCloseTo(sum, 10);
    expect(r.costUsd).toBeCloseTo(0.5 + 2, 10);
    expect(r.costUnknownTasks).toBe(1);
  });
});
