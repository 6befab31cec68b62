/** `nova run`, `status`, `retry` end to end: the built binary, the simulated agent, temp folders. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killStarted, nova, SMALL_PLAN, startNova, tempDir, waitFor } from './helpers.js';

const dirs: { cleanup(): void }[] = [];
afterEach(() => killStarted());
afterAll(() => {
  for (const d of dirs) d.cleanup();
});

function planDir(plan = SMALL_PLAN) {
  const t = tempDir();
  dirs.push(t);
  t.write('CASCADE.md', plan);
  return t;
}

const FAST = { SIM_DURATION_MS: '30' };

/** Task ids the simulated agent ran, from SIM_RECORD_FILE. */
function runsOf(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).id as string);
}

describe('nova run', { timeout: 120_000 }, () => {
  it('runs a plan to completion: plain lines, a summary, exit 0', () => {
    const t = planDir();
    const r = nova(['run', '--agent', 'simulated'], t.dir, FAST);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\u001b[');
    for (const id of ['A1', 'A2', 'A3', 'A4', 'B1']) {
      expect(r.stdout).toMatch(new RegExp(`^started {3}${id} `, 'm'));
      expect(r.stdout).toMatch(
        new RegExp(`^completed ${id} .* in [\\d.]+m?s, [\\d.]+k? tokens, \\$`, 'm'),
      );
    }
    expect(r.stdout).toContain('Done: Small Plan: all 5 tasks completed');
    expect(r.stdout).toContain('5/5 completed, 0 running, 0 failed, 0 blocked, 0 pending');
    expect(r.stdout).toMatch(/tokens \(input .*\), cost \$\d/);
    expect(r.stdout).toMatch(/wall time [\d.]+m?s/);
    // A4 started only after both of its dependencies completed.
    const at = (s: string) => r.stdout.indexOf(s);
    expect(at('started   A4')).toBeGreaterThan(at('completed A2'));
    expect(at('started   A4')).toBeGreaterThan(at('completed A3'));

    const status = JSON.parse(nova(['status', '--json'], t.dir).stdout);
    expect(status.summary).toMatchObject({ totalTasks: 5, completed: 5, failed: 0 });
    expect(existsSync(join(t.dir, 'logs', 'A4.log'))).toBe(true);
  });

  it('a failure: the summary names it, its reason and log, and the dependents it blocks; exit 1; retry + run finish the rest', () => {
    const t = planDir();
    const record = join(t.dir, 'runs.jsonl');
    const first = nova(['run', '--agent', 'simulated'], t.dir, {
      ...FAST,
      SIM_FAIL_TASKS: 'A2',
      SIM_RECORD_FILE: record,
    });
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^failed {4}A2 Parser: .*exited with code 1/m);
    expect(first.stdout).toContain('Failed: Small Plan: 1 failed, 1 blocked');
    expect(first.stdout).toMatch(
      /Failed \(1\)\n {2}A2 {2}Parser: .*exited with code 1: simulated-agent: task A2 failed on purpose.*\n {6}log: .*logs\/A2\.log/,
    );
    expect(first.stdout).toContain('Blocked (1)\n  A4  Integration: blocked by failed A2');
    expect(first.stdout).toContain('nova retry --failed');
    expect(runsOf(record).sort()).toEqual(['A1', 'A2', 'A3', 'B1']);

    const text = nova(['status'], t.dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('3/5 completed, 0 running, 1 failed, 1 blocked, 0 pending');
    expect(text.stdout).toMatch(/Branches\n {2}App .* 2\/4 .*1 failed, 1 blocked\n {4}Core /);
    expect(text.stdout).toContain('A4  Integration: blocked by failed A2');
    const json = JSON.parse(nova(['status', '--json'], t.dir).stdout);
    expect(json.failed).toEqual([
      expect.objectContaining({ id: 'A2', name: 'Parser', kind: 'exit_code', exitCode: 1 }),
    ]);
    expect(json.blocked).toEqual([{ id: 'A4', name: 'Integration', blockedBy: ['A2'] }]);
    expect(json.rollup.branches.map((b: { branch: string }) => b.branch)).toEqual(['App', 'Docs']);

    // A run without retry changes nothing: A2 stays failed, A4 blocked.
    const again = nova(['run', '--agent', 'simulated'], t.dir, {
      ...FAST,
      SIM_RECORD_FILE: record,
    });
    expect(again.code).toBe(1);
    expect(runsOf(record)).toHaveLength(4);

    const retry = nova(['retry', 'A2'], t.dir);
    expect(retry.stderr).toBe('');
    expect(retry.code).toBe(0);
    expect(retry.stdout).toContain('Cleared A2');
    const done = nova(['run', '--agent', 'simulated'], t.dir, { ...FAST, SIM_RECORD_FILE: record });
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('all 5 tasks completed');
    // Only the cleared task and its dependent ran again.
    expect(runsOf(record).slice(4)).toEqual(['A2', 'A4']);
  });

  it('retry --failed clears every failed task; retry of a task that is not failed leaves it', () => {
    const t = planDir();
    expect(
      nova(['run', '--agent', 'simulated'], t.dir, { ...FAST, SIM_FAIL_TASKS: 'A2,B1' }).code,
    ).toBe(1);
    const notFailed = nova(['retry', 'A1'], t.dir);
    expect(notFailed.code).toBe(0);
    expect(notFailed.stdout).toContain('A1 is completed, not failed: left as it is');
    const all = nova(['retry', '--failed'], t.dir);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('Cleared A2, B1');
    expect(JSON.parse(nova(['status', '--json'], t.dir).stdout).summary).toMatchObject({
      failed: 0,
      blocked: 0,
      pending: 3,
    });
    const unknown = nova(['retry', 'NOPE'], t.dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^nova: error: no task NOPE in .*cascade_state\.json\n$/);
    const usage = nova(['retry'], t.dir);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('name the tasks to retry, or use --failed');
  });

  it('status --json during a run; a second run and retry are refused while it holds the state; Ctrl-C exits 130 and the next run finishes', async () => {
    const t = planDir();
    const run = startNova(['run', '--agent', 'simulated'], t.dir, {
      ...FAST,
      SIM_HANG_TASKS: 'A1',
    });
    const status = await waitFor(() => {
      const r = nova(['status', '--json'], t.dir);
      if (r.code !== 0) return null;
      const doc = JSON.parse(r.stdout);
      return doc.running.some((x: { id: string }) => x.id === 'A1') && doc.summary.completed === 1
        ? doc
        : null;
    }, 'A1 running and B1 completed in status --json');
    expect(status.summary).toMatchObject({ totalTasks: 5, completed: 1, inProgress: 1 });
    expect(status.running[0]).toMatchObject({ id: 'A1', name: 'Base types' });
    expect(status.running[0].pid).toBeGreaterThan(0);
    expect(status.project.orchestrator_pid).toBe(run.child.pid);
    expect(status.runActive).toBe(true);
    expect(nova(['status'], t.dir).stdout).toContain(`a run is in progress (pid ${run.child.pid})`);

    const second = nova(['run', '--agent', 'simulated'], t.dir, FAST);
    expect(second.code).toBe(2);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toContain(String(run.child.pid));
    const retry = nova(['retry', '--failed'], t.dir);
    expect(retry.code).toBe(2);
    expect(retry.stderr).toContain(
      `a run is in progress on ${join(t.dir, 'cascade_state.json')} (pid ${run.child.pid})`,
    );

    run.child.kill('SIGINT');
    const exit = await run.exited;
    expect(exit.code).toBe(130);
    expect(run.stdout()).toContain('Interrupted: Small Plan');
    expect(run.stdout()).toContain('Run `nova run` again to resume.');
    const after = JSON.parse(nova(['status', '--json'], t.dir).stdout);
    expect(after.summary).toMatchObject({ completed: 1, inProgress: 0, failed: 0 });

    const resumed = nova(['run', '--agent', 'simulated'], t.dir, FAST);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('all 5 tasks completed');
    expect(resumed.stdout).not.toMatch(/^started {3}B1/m);
  });

  it('--worker-cmd: the template is split without a shell and each element substituted', () => {
    const t = planDir();
    const script = t.write(
      'record.mjs',
      `import { appendFileSync } from 'node:fs';
let stdin = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { stdin += d; });
process.stdin.on('end', () => {
  appendFileSync(${JSON.stringify(join(t.dir, 'argv.jsonl'))}, JSON.stringify({ argv: process.argv.slice(2), task: process.env.NOVA_TASK_ID, project: process.env.NOVA_PROJECT, stdin }) + '\\n');
});
`,
    );
    const template = `'${process.execPath}' ${script} --id {id} --name {name} "literal; echo $HOME" --task={group}/{id} --model {model}`;
    const r = nova(['run', '--worker-cmd', template, '-j', '1'], t.dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const calls = readFileSync(join(t.dir, 'argv.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(calls).toHaveLength(5);
    const a2 = calls.find((c) => c.task === 'A2');
    expect(a2.argv).toEqual([
      '--id',
      'A2',
      '--name',
      'Parser',
      'literal; echo $HOME',
      '--task=Core/A2',
      '--model',
      'sonnet',
    ]);
    expect(a2.project).toBe('Small Plan');
    expect(a2.stdin).toContain('Parse the input');
    const a4 = calls.find((c) => c.task === 'A4');
    expect(a4.argv[3]).toBe('Integration');
  });

  it('plain lines count completed tasks [i/N] through a failure and a retry, and from the state on a rerun', () => {
    const t = planDir();
    const completedCounts = (stdout: string) =>
      [...stdout.matchAll(/^completed (\S+) .*\[(\d+)\/(\d+)\]$/gm)].map(
        (m) => `${m[1]} ${m[2]}/${m[3]}`,
      );
    const first = nova(['run', '--agent', 'simulated', '-j', '1', '--retries', '1'], t.dir, {
      ...FAST,
      SIM_FAIL_TASKS: 'A2',
      SIM_FLAKY_TASKS: 'A3:1',
    });
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^retrying {2}A3 /m);
    expect(first.stdout).toMatch(/^failed {4}A2 /m);
    // A1 first; A3 (after its retry) and B1 in the order they ran; the failure counts for nothing.
    const counts = completedCounts(first.stdout);
    expect(counts).toHaveLength(3);
    expect(counts[0]).toBe('A1 1/5');
    expect(counts.slice(1).map((c) => c.split(' ')[1])).toEqual(['2/5', '3/5']);
    expect(
      counts
        .slice(1)
        .map((c) => c.split(' ')[0])
        .sort(),
    ).toEqual(['A3', 'B1']);

    expect(nova(['retry', 'A2'], t.dir).code).toBe(0);
    const second = nova(['run', '--agent', 'simulated', '-j', '1'], t.dir, FAST);
    expect(second.code).toBe(0);
    // The count starts from the 3 already completed in the state.
    expect(completedCounts(second.stdout)).toEqual(['A2 4/5', 'A4 5/5']);
  });

  it('--max-cost and --fail-fast stop starting new work; exit 1', () => {
    const t = planDir();
    const budget = nova(
      ['run', '--agent', 'simulated', '--max-cost', '0.01', '-j', '1'],
      t.dir,
      FAST,
    );
    expect(budget.code).toBe(1);
    expect(budget.stdout).toMatch(/Stopped: Small Plan: the cost budget is spent/);
    expect(budget.stdout).toContain('raise --max-cost');
    expect(budget.stderr).toMatch(/budget/);
    expect(JSON.parse(nova(['status', '--json'], t.dir).stdout).summary.completed).toBe(1);

    const u = planDir();
    const fast = nova(['run', '--agent', 'simulated', '--fail-fast', '-j', '1'], u.dir, {
      ...FAST,
      SIM_FAIL_TASKS: 'A1',
    });
    expect(fast.code).toBe(1);
    expect(fast.stdout).toContain('Stopped: Small Plan: a task failed and --fail-fast is on');
    expect(fast.stdout).not.toMatch(/^started {3}B1/m);
  });

  it('--timeout (like the Timeout column) stops a task that runs too long', () => {
    const t = planDir();
    const r = nova(['run', '--agent', 'simulated', '--timeout', '1s'], t.dir, {
      ...FAST,
      SIM_HANG_TASKS: 'B1',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/B1 {2}Readme: still running after its wall-clock timeout/);
    expect(r.stdout).toContain('4/5 completed');
  });

  it('refuses before starting anything when claude is not installed (exit 2)', () => {
    const t = planDir();
    const r = nova(['run'], t.dir, { PATH: join(t.dir, 'empty-bin') });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^nova: error: Claude Code \('claude'\) is not installed or not on PATH.*--agent simulated\n$/,
    );
    expect(existsSync(join(t.dir, 'cascade_state.json'))).toBe(false);
    const other = nova(['run', '--worker-cmd', 'no-such-agent-xyz {id}'], t.dir);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("the worker command 'no-such-agent-xyz' was not found");
  });

  it('bad flags and bad plans are one line (or one per problem), exit 2', () => {
    const t = planDir();
    const cases: [string[], RegExp][] = [
      [['--timeout', 'soon'], /--timeout must be a duration such as 90s, 30m or 2h, got "soon"/],
      [['--agent', 'gpt'], /--agent must be one of claude, simulated, got "gpt"/],
      [['--max-workers', '0'], /--max-workers must be a whole number >= 1, got "0"/],
      [
        ['--retries', '-1'],
        /option --retries needs a value \(for one starting with "-", write --retries=-...\)/,
      ],
      [['--retries=-1'], /--retries must be a whole number >= 0, got "-1"/],
      [['--max-cost', 'lots'], /--max-cost must be a positive number of dollars/],
      [['--worker-cmd', '"unbalanced'], /--worker-cmd: /],
      [
        ['--usage-limit-pause', 'none'],
        /--usage-limit-pause must be a duration such as 90s, 10m or 1h, got "none"/,
      ],
      [['missing.md', '--agent', 'simulated'], /missing\.md/],
      [['--milestones', 'nope.yaml', '--agent', 'simulated'], /nope\.yaml/],
    ];
    for (const [args, message] of cases) {
      const r = nova(['run', ...args], t.dir, FAST);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    t.write(
      'bad.md',
      '# Bad\n## L1: A\n### L2: G\n| Task ID | Depends On |\n|---|---|\n| X1 | X9 |\n',
    );
    const bad = nova(['run', 'bad.md', '--agent', 'simulated'], t.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^bad\.md:6:\d+ error E_UNKNOWN_DEPENDENCY /);
  });

  it('nova.config.json beside the plan sets defaults; flags win; milestones.yaml beside the plan is used', () => {
    const t = planDir();
    t.write(
      'nova.config.json',
      JSON.stringify({ agent: 'simulated', maxWorkers: 1, state: 'out/state.json' }),
    );
    t.write(
      'milestones.yaml',
      'milestones:\n  - { id: core, name: Core done, type: group_completed, group: Core }\n',
    );
    const r = nova(['run'], t.dir, FAST);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 workers');
    expect(r.stdout).toMatch(/^milestone Core done/m);
    const status = nova(['status', '--state', 'out/state.json'], t.dir);
    expect(status.stdout).toContain('Milestones (1)\n  Core done');
    expect(existsSync(join(t.dir, 'out', 'logs', 'A1.log'))).toBe(true);

    const flagged = nova(['run', '--state', 'other.json', '-j', '2'], t.dir, FAST);
    expect(flagged.code).toBe(0);
    expect(flagged.stdout).toContain('2 workers');
    expect(existsSync(join(t.dir, 'other.json'))).toBe(true);

    t.write('nova.config.json', JSON.stringify({ agnet: 'simulated' }));
    const typo = nova(['run'], t.dir, FAST);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/nova\.config\.json: unknown setting "agnet"/);
  });
});
