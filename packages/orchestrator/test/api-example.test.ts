/**
 * The seed's example, as a user writes it: construct, run(), getStatusSummary(). Imported by the
 * package name (its built dist), typechecked with the package's tsconfig, run with the simulated agent.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Orchestrator } from '@program-nova/orchestrator';
import { expect, it } from 'vitest';
import { writePlan } from './plan.js';

const require = createRequire(import.meta.url);
const agent = join(
  require.resolve('@program-nova/simulated-agent/package.json').replace(/package\.json$/, ''),
  'simulated-agent.mjs',
);

it('construct, run(), getStatusSummary() work as in the seed example', async () => {
  const { cascadeFile, stateFile, logsDir, dir } = writePlan([
    ['F1'],
    ['F2', ['F1']],
    ['F3', ['F1']],
    ['F4', ['F2', 'F3']],
  ]);

  const orchestrator = new Orchestrator({
    cascadeFile,
    stateFile,
    logsDir,
    maxWorkers: 3,
    workerCommand: ['node', agent, '--duration-ms', '50'],
    cwd: dir,
  });
  const completed: string[] = [];
  orchestrator.on('task:completed', (e) => completed.push(e.id)); // typed payload
  await orchestrator.run();
  const summary = orchestrator.getStatusSummary();
  console.log(summary);

  expect(summary).toEqual({
    totalTasks: 4,
    completed: 4,
    failed: 0,
    inProgress: 0,
    pending: 0,
    blocked: 0,
    activeWorkers: 0,
  });
  expect(completed.sort()).toEqual(['F1', 'F2', 'F3', 'F4']);
  // Tokens and cost from the agent's stream-json made it into the state.
  const f1 = orchestrator.state.tasks.F1!;
  expect(f1.token_usage.output_tokens).toBeGreaterThan(0);
  expect(f1.log_path).toBe(join(logsDir, 'F1.log'));
});
