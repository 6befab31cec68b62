/**
 * Nothing lost, one writer: what a run does with an edited or foreign plan, a lost lease, an
 * unwritable logs folder, and the warnings it reports along the way.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { lockPathFor } from '@program-nova/state/store';
import { describe, expect, it } from 'vitest';
import { FakeExecutor, fail, ok } from '../test/fake-executor.js';
import { planText, type Row, writePlan } from '../test/plan.js';
import { Orchestrator } from './orchestrator.js';

const cost = (usd: number) =>
  ok({
    costUsd: usd,
    usage: { input_tokens: 100, output_tokens: 10, cache_read_tokens: 0, cache_creation_tokens: 0 },
  });

async function firstRun(rows: Row[]) {
  const paths = writePlan(rows);
  const o = new Orchestrator({ ...paths, executor: new FakeExecutor(() => cost(0.01)) });
  expect((await o.run({ checkInterval: 20 })).outcome).toBe('completed');
  return paths;
}

function warningsOf(o: Orchestrator) {
  const seen: { code: string; message: string }[] = [];
  o.on('warning', (w) => seen.push(w));
  return seen;
}

describe('an edited plan keeps history', () => {
  it('a removed task keeps its record and spend; the warning says so and is kept in the state', async () => {
    const paths = await firstRun([['A'], ['B', ['A']], ['C']]);
    writeFileSync(paths.cascadeFile, planText([['A'], ['B', ['A']]]));
    const o = new Orchestrator({ ...paths, executor: new FakeExecutor() });
    const warnings = warningsOf(o);
    const result = await o.run({ checkInterval: 20 });
    expect(result.outcome).toBe('completed');
    const w = warnings.find((x) => x.code === 'PLAN_CHANGED');
    expect(w?.message).toMatch(/removed C \(records kept: 110 tokens, \$0\.01\)/);
    expect(o.state.removed_tasks.C).toMatchObject({ status: 'completed', cost_usd: 0.01 });
    expect(result.costUsd).toBeCloseTo(0.03);
    expect(o.state.warnings.map((x) => x.code)).toContain('PLAN_CHANGED');
    expect(o.state.plan_changes.at(-1)).toMatchObject({ removed: ['C'] });
  });

  it('a completed task whose entry changed is reported; --rerun-changed runs it and its dependents', async () => {
    const rows: Row[] = [['A'], ['B', ['A']], ['C']];
    const paths = await firstRun(rows);
    writeFileSync(
      paths.cascadeFile,
      planText(rows).replace('| A | Task A | Do A |', '| A | Task A | Do A better |'),
    );
    const kept = new Orchestrator({ ...paths, executor: new FakeExecutor() });
    const warnings = warningsOf(kept);
    const ex = kept.executor as FakeExecutor;
    await kept.run({ checkInterval: 20 });
    expect(ex.order).toEqual([]);
    expect(warnings.find((x) => x.code === 'PLAN_CHANGED')?.message).toMatch(
      /completed tasks whose plan entry changed since they ran: A \(description\).*--rerun-changed/,
    );

    // Still completed, still marked: the next run names it again, and --rerun-changed runs it.
    const ex2 = new FakeExecutor();
    const again = new Orchestrator({ ...paths, executor: ex2, rerunChanged: true });
    const seen = warningsOf(again);
    expect((await again.run({ checkInterval: 20 })).outcome).toBe('completed');
    expect(seen.find((x) => x.code === 'PLAN_CHANGED')?.message).toMatch(/running them again/);
    expect(ex2.order.sort()).toEqual(['A', 'B']);
    expect(again.state.tasks.A!.changed_since_run).toBeUndefined();
    // What the earlier attempts spent still counts.
    expect(again.state.tasks.A!.cost_usd).toBeCloseTo(0.01);
  });

  it('a new dependency of a completed task is reported', async () => {
    const paths = await firstRun([['A'], ['B']]);
    writeFileSync(paths.cascadeFile, planText([['A'], ['N'], ['B', ['N']]]));
    const o = new Orchestrator({ ...paths, executor: new FakeExecutor() });
    const warnings = warningsOf(o);
    await o.run({ checkInterval: 20 });
    expect(warnings.find((x) => x.code === 'PLAN_CHANGED')?.message).toMatch(
      /added N;.*B \(dependencies\)/,
    );
  });
});

describe('a state written for another project', () => {
  it('is refused with one line, and left as it was; --replan runs it and keeps the records', async () => {
    const paths = await firstRun([['A'], ['B']]);
    const before = readFileSync(paths.stateFile, 'utf8');
    writeFileSync(paths.cascadeFile, planText([['X'], ['Y']], 'Other Project'));
    const o = new Orchestrator({ ...paths, executor: new FakeExecutor() });
    await expect(o.run()).rejects.toMatchObject({
      code: 'PLAN_MISMATCH',
      message: expect.stringMatching(/was written for "Test Project".*--state.*--replan/),
    });
    expect(readFileSync(paths.stateFile, 'utf8')).toBe(before);

    const ex = new FakeExecutor();
    const re = new Orchestrator({ ...paths, executor: ex, replan: true });
    expect((await re.run({ checkInterval: 20 })).outcome).toBe('completed');
    expect(ex.order).toEqual(['X', 'Y']);
    expect(Object.keys(re.state.removed_tasks)).toEqual(['A', 'B']);
    expect(re.state.plan_changes.at(-1)?.renamed).toEqual({
      from: 'Test Project',
      to: 'Other Project',
    });
  });
});

describe('a lost lease', () => {
  it('stops the run with LEASE_LOST: workers stopped, nothing written after the loss', async () => {
    const paths = writePlan([['A'], ['B'], ['C', ['A']]]);
    const ex = new FakeExecutor(() => 'manual');
    const o = new Orchestrator({ ...paths, executor: ex, maxWorkers: 2 });
    const run = o.run({ checkInterval: 20 });
    while (ex.running().length < 2) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    unlinkSync(lockPathFor(paths.stateFile));
    const snapshot = readFileSync(paths.stateFile, 'utf8');
    const journalText = readFileSync(`${paths.stateFile}.journal`, 'utf8');
    // A's completion is the next write: it finds the lease gone.
    ex.startsOf('A')[0]!.finish(ok());
    await expect(run).rejects.toMatchObject({
      code: 'LEASE_LOST',
      message: expect.stringContaining('was removed'),
    });
    expect(ex.executions.every((e) => e.settled)).toBe(true);
    expect(ex.startsOf('B')[0]!.stops).toEqual([{ force: true }]);
    expect(ex.order).toEqual(['A', 'B']);
    expect(readFileSync(paths.stateFile, 'utf8')).toBe(snapshot);
    expect(readFileSync(`${paths.stateFile}.journal`, 'utf8')).toBe(journalText);
  });
});

describe('an environment problem', () => {
  it('halts the run (outcome aborted, ENVIRONMENT) and leaves the task pending, not failed', async () => {
    const paths = writePlan([['A'], ['B'], ['C']]);
    const ex = new FakeExecutor((spec) =>
      spec.task.id === 'A'
        ? fail({
            kind: 'interrupted',
            message: 'cannot write the log in /x/logs: EACCES',
            environment: { path: '/x/logs/A.log', errno: 'EACCES' },
          })
        : 'manual',
    );
    const o = new Orchestrator({ ...paths, executor: ex, maxWorkers: 1 });
    const result = await o.run({ checkInterval: 20 });
    expect(result.outcome).toBe('aborted');
    expect(result.error).toMatchObject({
      code: 'ENVIRONMENT',
      message: expect.stringContaining('EACCES'),
    });
    expect(ex.order).toEqual(['A']);
    expect(o.state.tasks.A).toMatchObject({ status: 'pending', attempts: 0 });
    expect(o.state.project.outcome).toBe('aborted');
  });

  it('an incomplete log is recorded on the task', async () => {
    const paths = writePlan([['A']]);
    const ex = new FakeExecutor(() => ok({ logIncomplete: 'the log was cut at 139 KiB: ENOSPC' }));
    const o = new Orchestrator({ ...paths, executor: ex });
    await o.run({ checkInterval: 20 });
    expect(o.state.tasks.A).toMatchObject({
      status: 'completed',
      log_incomplete: 'the log was cut at 139 KiB: ENOSPC',
    });
  });
});

describe("a dependency's report", () => {
  it('is kept on completion and handed to the tasks that depend on it', async () => {
    const paths = writePlan([['A'], ['B', ['A']]]);
    const ex = new FakeExecutor((spec) =>
      spec.task.id === 'A' ? ok({ resultText: `Added src/a.ts. ${'x'.repeat(2000)}` }) : ok(),
    );
    const o = new Orchestrator({ ...paths, executor: ex });
    await o.run({ checkInterval: 20 });
    expect(o.state.tasks.A!.result_text).toMatch(/^Added src\/a\.ts\. x+…$/);
    expect(o.state.tasks.A!.result_text!.length).toBe(1000);
    expect(ex.startsOf('B')[0]!.spec.dependencies).toEqual([
      expect.objectContaining({ id: 'A', resultText: o.state.tasks.A!.result_text }),
    ]);
  });
});
