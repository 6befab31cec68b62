/**
 * A usage limit end to end: the built `nova run` with a fake agent that reports a Claude-Code-shaped
 * usage limit whose reset it states in prose ("resets at HH:MM:SS", local time), then succeeds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatClock } from '@program-nova/core';
import { parseCascade } from '@program-nova/parser';
import { applyTransition, createState } from '@program-nova/state';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { USAGE_LIMIT_AGENT as AGENT, waitForLimitPause } from './fixtures/usage-limit-agent.js';
import { killStarted, nova, startNova, tempDir } from './helpers.js';

const dirs: { cleanup(): void }[] = [];
afterEach(() => killStarted());
afterAll(() => {
  for (const d of dirs) d.cleanup();
});

const PLAN = `# Limited

## L1: App

### L2: Core

| Task ID | Task Name | What Changes    | Depends On |
| ------- | --------- | --------------- | ---------- |
| A1      | Base      | The base        | -          |
| A2      | Next      | Built on A1     | A1         |
`;

describe('a usage limit with its reset in prose', { timeout: 120_000 }, () => {
  it('pauses until the stated time, shows it in nova status, and starts the task again after it', async () => {
    const t = tempDir();
    dirs.push(t);
    t.write('CASCADE.md', PLAN);
    const agent = t.write('agent.mjs', AGENT);
    const run = startNova(
      ['run', '-j', '1', '--worker-cmd', `'${process.execPath}' '${agent}' '${t.dir}' {id}`],
      t.dir,
    );
    const { status, reset } = await waitForLimitPause(t.dir);
    expect(status.paused).toEqual({
      until: new Date(reset).toISOString(),
      reason: 'usage limit reported by A1',
      task: 'A1',
    });
    expect(status.project.paused_until).toBe(new Date(reset).toISOString());
    const text = nova(['status'], t.dir).stdout;
    expect(text).toContain(`Paused until ${formatClock(reset)} (in `);
    expect(text).toContain('): usage limit reported by A1');

    const exit = await run.exited;
    expect(run.stderr()).toBe('');
    expect(exit.code).toBe(0);
    expect(run.stdout()).toMatch(
      new RegExp(
        `^paused {4}until ${formatClock(reset)} \\(in [^)]+\\): usage limit reported by A1$`,
        'm',
      ),
    );
    expect(run.stdout()).toMatch(/^resumed {3}/m);
    expect(run.stdout()).toContain('all 2 tasks completed');

    const starts = readFileSync(join(t.dir, 'starts.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; at: number });
    expect(starts.map((s) => s.id)).toEqual(['A1', 'A1', 'A2']);
    expect(starts[1]!.at).toBeGreaterThanOrEqual(reset);

    const after = JSON.parse(nova(['status', '--json'], t.dir).stdout);
    expect(after.paused).toBeNull();
    expect(after.project.paused_until).toBeNull();
    expect(after.summary).toMatchObject({ totalTasks: 2, completed: 2 });
  });

  it('nova status shows a recorded pause only while its run lives and its time is ahead', () => {
    const t = tempDir();
    dirs.push(t);
    const state = createState(parseCascade(PLAN));
    const until = new Date(Date.now() + 12 * 60_000 + 30_000).toISOString();
    // This test's own process stands for a live run (no host recorded: the pid alone is checked).
    applyTransition(state, {
      type: 'run_started',
      at: new Date().toISOString(),
      pid: process.pid,
      cascade_file: null,
    });
    applyTransition(state, {
      type: 'run_paused',
      at: new Date().toISOString(),
      until,
      reason: 'usage limit reported by A1',
      task: 'A1',
    });
    const file = t.write('cascade_state.json', JSON.stringify(state));
    const json = (): { paused: unknown } =>
      JSON.parse(nova(['status', '--json', '--state', file], t.dir).stdout);
    expect(json().paused).toEqual({ until, reason: 'usage limit reported by A1', task: 'A1' });
    expect(nova(['status', '--state', file], t.dir).stdout).toMatch(
      /^ {2}Paused until .+ \(in 12m( \d\ds)?\): usage limit reported by A1$/m,
    );
    // The run that held it is gone: nothing is paused any more.
    state.project.orchestrator_pid = 2 ** 22 + 17;
    t.write('cascade_state.json', JSON.stringify(state));
    expect(json().paused).toBeNull();
    expect(nova(['status', '--state', file], t.dir).stdout).not.toContain('Paused');
    // A state written before pauses were recorded reads as not paused.
    const old = createState(parseCascade(PLAN));
    t.write('cascade_state.json', JSON.stringify(old));
    expect(json().paused).toBeNull();
  });
});
