/**
 * Issue: changing the plan silently deleted history. Now an edited plan keeps the records of
 * removed tasks (spend still counted), says so at start-up, and a state written for another
 * project is refused in one line unless --replan.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readState } from '@program-nova/state/store';
import { afterEach, expect, test } from 'vitest';
import { nova, removeDir, stackTraceLines, tempDir } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

const plan = (project: string, rows: string[]) =>
  [
    `# ${project}`,
    '## L1: Main',
    '### L2: Work',
    '| Task ID | Task Name | What Changes | Depends On |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');

const ROWS = [
  '| A | Alpha | Do alpha | - |',
  '| B | Beta | Do beta | A |',
  '| C | Gamma | Do gamma | - |',
];

function setup() {
  const dir = tempDir();
  dirs.push(dir);
  const file = join(dir, 'CASCADE.md');
  writeFileSync(file, plan('Todo API', ROWS));
  const first = nova(['run', file, '--agent', 'simulated'], dir);
  expect(first.code, first.stderr).toBe(0);
  return { dir, file, stateFile: join(dir, 'cascade_state.json') };
}

test('an edited plan: removed records kept and counted, the change said at start-up and in status', async () => {
  const { dir, file, stateFile } = setup();
  const before = await readState(stateFile);
  const spent = Object.values(before.tasks).reduce((s, t) => s + (t.cost_usd ?? 0), 0);
  writeFileSync(file, plan('Todo API', [ROWS[0]!, ROWS[1]!.replace('Do beta', 'Do beta well')]));
  const run = nova(['run', file, '--agent', 'simulated'], dir);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toMatch(
    /^nova: warning: the plan changed since the state was written: removed C \(records kept: .* tokens, \$[\d.]+\); completed tasks whose plan entry changed since they ran: B \(description\)/m,
  );
  const after = await readState(stateFile);
  expect(after.removed_tasks.C).toMatchObject({ status: 'completed' });
  expect(after.warnings.some((w) => w.code === 'PLAN_CHANGED')).toBe(true);
  const status = nova(['status', '--json'], dir);
  const doc = JSON.parse(status.stdout);
  expect(doc.rollup.costUsd).toBeCloseTo(spent, 6);
  expect(doc.rollup.removed.tasks).toBe(1);

  const rerun = nova(['run', file, '--agent', 'simulated', '--rerun-changed'], dir);
  expect(rerun.code, rerun.stderr).toBe(0);
  expect(rerun.stdout).toMatch(/^started {3}B /m);
  expect(rerun.stdout).not.toMatch(/^started {3}A /m);
});

test('a state written for another project: one line, exit 2, nothing changed; --replan runs it', async () => {
  const { dir, file, stateFile } = setup();
  const snapshot = readFileSync(stateFile);
  writeFileSync(file, plan('Something Else', ['| X | X | Do x | - |']));
  const refused = nova(['run', file, '--agent', 'simulated'], dir);
  expect(refused.code).toBe(2);
  expect(refused.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(
      /^nova: error: .*cascade_state\.json was written for "Todo API", not "Something Else"; use --state for a new run, or --replan to run this plan on it$/,
    ),
  ]);
  expect(stackTraceLines(refused.stderr)).toEqual([]);
  expect(readFileSync(stateFile).equals(snapshot)).toBe(true);

  const replanned = nova(['run', file, '--agent', 'simulated', '--replan'], dir);
  expect(replanned.code, replanned.stderr).toBe(0);
  const state = await readState(stateFile);
  expect(Object.keys(state.removed_tasks).sort()).toEqual(['A', 'B', 'C']);
  expect(state.project.name).toBe('Something Else');
});
