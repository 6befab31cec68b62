/** Pins the runtime surface of the built entry: adding or removing an export is a visible change. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('@program-nova/core', async () => {
  const mod = await import('../dist/index.js');
  expect(Object.keys(mod).sort()).toEqual([
    'FAILURE_KINDS',
    'RUN_OUTCOMES',
    'TASK_ID_PATTERN',
    'TASK_ID_PATTERN_TEXT',
    'UNKNOWN',
    'addUsage',
    'addUsageInto',
    'clip',
    'earlierLogFileName',
    'editDistance',
    'expandTemplate',
    'expandText',
    'firstLine',
    'formatBytes',
    'formatClock',
    'formatCost',
    'formatDuration',
    'formatPause',
    'formatPauseDetail',
    'formatPercent',
    'formatTokens',
    'isFailureKind',
    'isTaskId',
    'logFileName',
    'maskCredentials',
    'oneLine',
    'reasonLine',
    'splitCommand',
    'tailLines',
    'totalTokens',
    'usageIsZero',
    'zeroUsage',
  ]);
});

it('@program-nova/core/node', async () => {
  const mod = await import('../dist/node.js');
  expect(Object.keys(mod).sort()).toEqual([
    'ensureDirectory',
    'errnoCode',
    'findExecutable',
    'moveEarlierLogAside',
    'readProcStat',
  ]);
});

it('is browser-safe: no imports at all in the built entry', () => {
  const code = readFileSync(join(import.meta.dirname, '..', 'dist', 'index.js'), 'utf8');
  expect(code).not.toMatch(/^\s*import\s/m);
  expect(code).not.toMatch(/\brequire\(/);
});
