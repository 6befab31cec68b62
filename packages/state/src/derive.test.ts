import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleCascade, usage } from '../test/helpers.js';
import { applyTransition } from './apply.js';
import { blockedBy, isBlocked, summarize } from './blocked.js';
import { createState } from './create.js';
import { costOf, DEFAULT_PRICING, priceOf } from './pricing.js';
import { elapsedSeconds, rollup } from './rollup.js';
import type { CascadeState } from './types.js';
import { parseStateText } from './validate.js';

const at = (min: number) => new Date(Date.UTC(2026, 2, 1, 10, min)).toISOString();

/** F1 completed, F2 failed, D1 running; F4, U1, U2 blocked behind F2; D2 pending. */
function fixture(): CascadeState {
  const s = createState(sampleCascade());
  const start = (id: string, min: number, model: string | null = 'claude-sonnet-4-5-20250929') =>
    applyTransition(s, {
      type: 'task_started',
      at: at(min),
      id,
      worker_id: `w-${id}`,
      pid: 1000 + min,
      pgid: 1000 + min,
      log_path: null,
      model,
    });
  start('F1', 0);
  applyTransition(s, {
    type: 'task_completed',
    at: at(10),
    id: 'F1',
    exit_code: 0,
    token_usage: usage(1_000_000, 100_000),
    cost_usd: null,
    model: 'claude-sonnet-4-5-20250929',
  });
  start('F2', 10, 'claude-opus-4-1-20250805');
  applyTransition(s, {
    type: 'task_failed',
    at: at(12),
    id: 'F2',
    error: 'exit 1',
    failure_kind: 'exit_code',
    exit_code: 1,
    token_usage: usage(1000),
    cost_usd: 2,
    model: null,
    retry_at: null,
    counts_as_attempt: true,
  });
  start('D1', 5, 'some-future-model');
  applyTransition(s, { type: 'task_progress', at: at(6), id: 'D1', token_usage: usage(50, 5) });
  return s;
}

describe('summarize / blockedBy / isBlocked', () => {
  it('counts blocked tasks apart from pending ones', () => {
    expect(summarize(fixture())).toEqual({
      totalTasks: 7,
      completed: 1,
      failed: 1,
      inProgress: 1,
      pending: 1,
      blocked: 3,
      activeWorkers: 1,
    });
  });

  it('names the failed root tasks, in file order', () => {
    const s = fixture();
    expect(blockedBy(s, 'U2')).toEqual(['F2']);
    expect(blockedBy(s, 'D2')).toEqual([]);
    expect(isBlocked(s, 'U2')).toBe(true);
    expect(isBlocked(s, 'D2')).toBe(false);
    expect(isBlocked(s, 'F2')).toBe(false); // failed, not blocked
    // F1 failing too: F2 sits below F1, so only F1 is a root for U1.
    s.tasks.F1!.status = 'failed';
    expect(blockedBy(s, 'U1')).toEqual(['F1']);
  });
});

describe('costOf', () => {
  it('prices dated and provider-spelled IDs from the table', () => {
    const u = usage(1_000_000, 1_000_000, 1_000_000, 1_000_000);
    expect(costOf(u, 'claude-sonnet-4-5-20250929')).toBeCloseTo(3 + 15 + 0.3 + 3.75, 10);
    expect(costOf(u, 'claude-sonnet-4-5@20250929')).toBeCloseTo(22.05, 10);
    expect(costOf(u, 'us.anthropic.claude-haiku-4-5-20251001-v1:0')).toBeCloseTo(
      1 + 5 + 0.1 + 1.25,
      10,
    );
    expect(costOf(u, 'claude-opus-4-5-20251101')).toBeCloseTo(5 + 25 + 0.5 + 6.25, 10);
    expect(costOf(usage(2000, 1000), 'claude-opus-4-1-20250805')).toBeCloseTo(0.03 + 0.075, 10);
    expect(priceOf('claude-sonnet-4-20250514')).toEqual(DEFAULT_PRICING['claude-sonnet-4']);
  });

  it("prices Claude Code's model aliases as their family's current model", () => {
    expect(priceOf('sonnet')).toEqual(DEFAULT_PRICING['claude-sonnet-4-5']);
    expect(priceOf('Opus')).toEqual(DEFAULT_PRICING['claude-opus-4-5']);
    expect(priceOf('haiku')).toEqual(DEFAULT_PRICING['claude-haiku-4-5']);
  });

  it('says unknown (null) for an unknown or missing model, never guesses', () => {
    expect(costOf(usage(10), 'gpt-4o')).toBeNull();
    expect(costOf(usage(10), 'claude-sonnet-9')).toBeNull();
    expect(costOf(usage(10), null)).toBeNull();
  });

  it('takes a user table', () => {
    const mine = {
      ...DEFAULT_PRICING,
      'my-model': { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 },
    };
    expect(costOf(usage(1_000_000, 500_000), 'my-model', mine)).toBe(2);
    expect(
      costOf(usage(1_000_000), 'claude-sonnet-4-5', {
        'claude-sonnet-4-5': { input: 10, output: 0, cacheRead: 0, cacheWrite: 0 },
      }),
    ).toBe(10);
  });
});

describe('rollup', () => {
  it('rolls up groups, branches and the project', () => {
    const now = new Date(at(20));
    const r = rollup(fixture(), { now });
    expect(r.name).toBe('Test Project');
    expect(r.status).toBe('failed');
    expect(r.counts.blocked).toBe(3);
    // F1 600 s + F2 120 s + D1 running since minute 5: 900 s.
    expect(r.taskSeconds).toBe(600 + 120 + 900);
    expect(r.startedAt).toBe(at(0));
    expect(r.endedAt).toBeNull(); // D1 still runs
    expect(r.wallSeconds).toBe(1200);
    expect(r.tokens).toEqual({
      input_tokens: 1_001_050,
      output_tokens: 100_005,
      cache_read_tokens: 0,
      cache_creation_tokens: 0,
    });
    // F1 priced from tokens (3 + 1.5), F2 recorded 2 USD, D1's model is unknown.
    expect(r.costUsd).toBeCloseTo(6.5, 10);
    expect(r.costUnknownTasks).toBe(1);

    const [app, docs] = r.branches;
    expect(app!.status).toBe('failed');
    expect(app!.groups.map((g) => [g.group, g.status])).toEqual([
      ['Foundation', 'failed'],
      ['Interface', 'pending'],
    ]);
    expect(app!.groups[1]!.counts).toMatchObject({ blocked: 2, pending: 0 });
    expect(docs!.status).toBe('in_progress');
    expect(docs!.groups[0]!.tasks).toEqual(['D1', 'D2']);
  });

  it('is completed only when every task is, with an end time', () => {
    const s = createState(sampleCascade());
    for (const [i, id] of Object.keys(s.tasks).entries()) {
      applyTransition(s, {
        type: 'task_started',
        at: at(i),
        id,
        worker_id: 'w',
        pid: 1,
        pgid: 1,
        log_path: null,
        model: null,
      });
      applyTransition(s, {
        type: 'task_completed',
        at: at(i + 1),
        id,
        exit_code: 0,
        token_usage: usage(0),
        cost_usd: 0,
        model: null,
      });
    }
    const r = rollup(s, { now: new Date(at(59)) });
    expect(r.status).toBe('completed');
    expect(r.endedAt).toBe(at(7));
    expect(r.wallSeconds).toBe(7 * 60);
    expect(r.branches.every((b) => b.status === 'completed')).toBe(true);
  });

  it('elapsedSeconds is live while running and null before a start', () => {
    const s = fixture();
    expect(elapsedSeconds(s.tasks.D1!, new Date(at(7)))).toBe(120);
    expect(elapsedSeconds(s.tasks.F1!)).toBe(600);
    expect(elapsedSeconds(s.tasks.D2!)).toBeNull();
  });

  it('works on a Program Nova state file', () => {
    const text = readFileSync(
      new URL('../test/fixtures/program-nova-state.json', import.meta.url),
      'utf8',
    );
    const s = parseStateText(text);
    expect(summarize(s)).toEqual({
      totalTasks: 4,
      completed: 1,
      failed: 1,
      inProgress: 1,
      pending: 1,
      blocked: 0,
      activeWorkers: 1,
    });
    expect(blockedBy(s, 'F4')).toEqual([]); // no dependencies are known
    const r = rollup(s, { now: new Date('2025-01-10T09:20:10+00:00') });
    expect(r.status).toBe('failed');
    expect(r.branches).toHaveLength(1);
    expect(r.branches[0]!.groups[0]!.tasks).toEqual(['F1', 'F2', 'F3', 'F4']);
    expect(r.taskSeconds).toBe(600 + 120 + 600);
    expect(r.tokens.input_tokens).toBe(1_000_510);
    // No model recorded anywhere: the cost is unknown, not a Sonnet guess.
    expect(r.costUsd).toBe(0);
    expect(r.costUnknownTasks).toBe(3);
    expect(rollup(s, { pricing: DEFAULT_PRICING }).costUnknownTasks).toBe(3);
  });
});
