/** A changed plan never drops history: removed tasks keep their records and their spend counts. */
import { describe, expect, it } from 'vitest';
import { applyTransition } from '../src/apply.js';
import { createState, planTransition } from '../src/create.js';
import { rollup } from '../src/rollup.js';
import type { CascadeState } from '../src/types.js';
import { validateState } from '../src/validate.js';
import { makeCascade } from './helpers.js';

const AT = '2026-01-01T10:00:00.000Z';
const usage = (n: number) => ({
  input_tokens: n,
  output_tokens: n,
  cache_read_tokens: 0,
  cache_creation_tokens: 0,
});

function completed(state: CascadeState, id: string, cost: number): void {
  applyTransition(state, {
    type: 'task_started',
    at: AT,
    id,
    worker_id: 'worker-1',
    pid: 1,
    pgid: 1,
    log_path: null,
    model: 'sonnet',
  });
  applyTransition(state, {
    type: 'task_completed',
    at: AT,
    id,
    exit_code: 0,
    token_usage: usage(100),
    cost_usd: cost,
    model: 'sonnet',
  });
}

const plan = (rows: [string, string[]][], name = 'P') =>
  makeCascade(
    rows.map(([id, deps]) => [id, deps, 'b', 'g']),
    name,
  );

describe('plan_reconciled keeps history', () => {
  it('a removed task keeps its record; its spend still counts; re-adding restores it', () => {
    const s = createState(
      plan([
        ['A', []],
        ['B', ['A']],
        ['C', []],
      ]),
    );
    completed(s, 'A', 0.02);
    completed(s, 'C', 0.04);
    const before = rollup(s);
    const t = planTransition(
      s,
      plan([
        ['A', []],
        ['B', ['A']],
      ]),
    )!;
    expect(t.removed).toEqual(['C']);
    applyTransition(s, t);
    expect(Object.keys(s.tasks)).toEqual(['A', 'B']);
    expect(s.removed_tasks.C).toMatchObject({
      status: 'completed',
      cost_usd: 0.04,
      removed_at: t.at,
    });
    expect(s.removed_tasks.C!.graph.name).toBe('Task C');
    const after = rollup(s);
    expect(after.costUsd).toBeCloseTo(before.costUsd);
    expect(after.tokens).toEqual(before.tokens);
    expect(after.removed).toMatchObject({ tasks: 1, costUsd: 0.04 });
    expect(after.counts.totalTasks).toBe(2);
    expect(s.plan_changes).toEqual([{ at: t.at, added: [], removed: ['C'], changed: [] }]);

    applyTransition(
      s,
      planTransition(
        s,
        plan([
          ['A', []],
          ['B', ['A']],
          ['C', []],
        ]),
      )!,
    );
    expect(s.tasks.C).toMatchObject({ status: 'completed', cost_usd: 0.04 });
    expect(s.removed_tasks).toEqual({});
    expect(s.plan_changes.at(-1)).toMatchObject({ added: ['C'], removed: [] });
  });

  it('reports tasks whose plan entry changed, with their status', () => {
    const s = createState(
      plan([
        ['A', []],
        ['B', ['A']],
      ]),
    );
    completed(s, 'A', 0.01);
    completed(s, 'B', 0.01);
    const next = plan([
      ['A', []],
      ['N', []],
      ['B', ['A', 'N']],
    ]);
    next.tasks.find((x) => x.id === 'A')!.description = 'Does A, differently';
    const t = planTransition(s, next)!;
    expect(t.added).toEqual(['N']);
    expect(t.changed).toEqual([
      { id: 'A', fields: ['description'], status: 'completed' },
      { id: 'B', fields: ['depends_on'], status: 'completed' },
    ]);
  });

  it('a renamed project is recorded as such', () => {
    const s = createState(plan([['A', []]], 'Todo API'));
    applyTransition(s, planTransition(s, plan([['A', []]], 'Other'))!);
    expect(s.plan_changes.at(-1)?.renamed).toEqual({ from: 'Todo API', to: 'Other' });
    expect(s.project.name).toBe('Other');
  });

  it('keeps only the latest plan changes and warnings', () => {
    const s = createState(plan([['A', []]]));
    for (let i = 0; i < 150; i++) {
      applyTransition(s, { type: 'warning', at: AT, code: 'W', message: `w${i}` });
    }
    expect(s.warnings).toHaveLength(100);
    expect(s.warnings[0]!.message).toBe('w50');
    for (let i = 0; i < 30; i++) {
      applyTransition(
        s,
        planTransition(
          s,
          plan([
            ['A', []],
            [`X${i}`, []],
          ]),
        )!,
      );
    }
    expect(s.plan_changes).toHaveLength(20);
  });

  it('what it keeps survives validation (a snapshot read back)', () => {
    const s = createState(
      plan([
        ['A', []],
        ['C', []],
      ]),
    );
    completed(s, 'C', 0.04);
    applyTransition(s, planTransition(s, plan([['A', []]]))!);
    applyTransition(s, { type: 'warning', at: AT, code: 'PLAN_CHANGED', message: 'removed C' });
    const back = validateState(JSON.parse(JSON.stringify(s)));
    expect(back.removed_tasks).toEqual(s.removed_tasks);
    expect(back.plan_changes).toEqual(s.plan_changes);
    expect(back.warnings).toEqual(s.warnings);
  });
});

describe('spend across attempts', () => {
  it('an attempt of unknown cost never erases what another attempt is known to have cost', () => {
    const s = createState(plan([['A', []]]));
    applyTransition(s, {
      type: 'task_started',
      at: AT,
      id: 'A',
      worker_id: 'worker-1',
      pid: 1,
      pgid: 1,
      log_path: null,
      model: 'unpriced-model',
    });
    // The first attempt was cut off (a crash) before the agent reported any cost.
    applyTransition(s, {
      type: 'task_progress',
      at: AT,
      id: 'A',
      token_usage: usage(10),
      cost_usd: null,
    });
    applyTransition(s, { type: 'task_interrupted', at: AT, id: 'A', reason: 'crash' });
    applyTransition(s, {
      type: 'task_started',
      at: AT,
      id: 'A',
      worker_id: 'worker-1',
      pid: 2,
      pgid: 2,
      log_path: null,
      model: 'unpriced-model',
    });
    applyTransition(s, {
      type: 'task_completed',
      at: AT,
      id: 'A',
      exit_code: 0,
      token_usage: usage(100),
      cost_usd: 0.05,
      model: 'unpriced-model',
    });
    expect(s.tasks.A!.cost_usd).toBeCloseTo(0.05);
    expect(s.tasks.A!.token_usage.input_tokens).toBe(110);
  });
});

describe('changed_since_run', () => {
  it('marks a completed task whose entry changed until it runs again', () => {
    const s = createState(
      plan([
        ['A', []],
        ['B', []],
      ]),
    );
    completed(s, 'A', 0.01);
    const next = plan([
      ['A', []],
      ['B', []],
    ]);
    next.tasks[0]!.description = 'new';
    applyTransition(s, planTransition(s, next)!);
    expect(s.tasks.A!.changed_since_run).toEqual(['description']);
    expect(s.tasks.B!.changed_since_run).toBeUndefined();
    expect(validateState(JSON.parse(JSON.stringify(s))).tasks.A!.changed_since_run).toEqual([
      'description',
    ]);
    completed(s, 'A', 0.01);
    expect(s.tasks.A!.changed_since_run).toBeUndefined();
  });
});
