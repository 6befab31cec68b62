import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { journalPathFor } from '@program-nova/state/store';
import { describe, expect, it } from 'vitest';
import { FakeExecutor } from '../test/fake-executor.js';
import { writePlan } from '../test/plan.js';
import { isOrchestratorError, type OrchestratorError } from './errors.js';
import { Orchestrator } from './orchestrator.js';

async function runError(o: Orchestrator): Promise<OrchestratorError> {
  const error = await o.run({ checkInterval: 50 }).then(
    () => null,
    (e: unknown) => e,
  );
  if (!isOrchestratorError(error)) throw new Error(`expected an OrchestratorError, got ${error}`);
  return error;
}

describe('the agent program is checked before the run opens anything', () => {
  it('a program not on PATH: AGENT_NOT_FOUND naming it and the PATH, nothing written', async () => {
    const paths = writePlan([['A'], ['B', ['A']]]);
    const o = new Orchestrator({
      ...paths,
      workerCommand: ['nova-test-no-such-agent', '--flag'],
      env: { PATH: `/nonexistent/bin:${paths.dir}` },
    });
    const error = await runError(o);
    expect(error.code).toBe('AGENT_NOT_FOUND');
    expect(error.message).toContain("'nova-test-no-such-agent'");
    expect(error.message).toContain(`/nonexistent/bin:${paths.dir}`);
    // No state, journal, lock or logs: the run never got as far as opening them.
    expect(readdirSync(paths.dir)).toEqual(['CASCADE.md']);
  });

  it('an existing state is left byte for byte as it was, and the lease is not taken', async () => {
    const paths = writePlan([['A'], ['B', ['A']]]);
    const first = new Orchestrator({ ...paths, executor: new FakeExecutor() });
    await first.init();
    await first.close();
    const snapshot = readFileSync(paths.stateFile);
    const journal = readFileSync(journalPathFor(paths.stateFile));

    const o = new Orchestrator({ ...paths, env: { PATH: '' } }); // the default agent, claude
    const error = await runError(o);
    expect(error.code).toBe('AGENT_NOT_FOUND');
    expect(error.message).toMatch(
      /'claude' was not found: it is not on PATH \(searched: PATH is empty\); install Claude Code/,
    );
    expect(readFileSync(paths.stateFile)).toEqual(snapshot);
    expect(readFileSync(journalPathFor(paths.stateFile))).toEqual(journal);
    expect(existsSync(`${paths.stateFile}.lock`)).toBe(false);
    expect(existsSync(paths.logsDir)).toBe(false);
  });

  it('a path to a file that is not executable names the file', async () => {
    const paths = writePlan([['A']]);
    const agent = join(paths.dir, 'agent.sh');
    writeFileSync(agent, '#!/bin/sh\n');
    chmodSync(agent, 0o644);
    const o = new Orchestrator({ ...paths, workerCommand: './agent.sh', cwd: paths.dir });
    const error = await runError(o);
    expect(error.code).toBe('AGENT_NOT_FOUND');
    expect(error.message).toContain(`${agent} is not an executable file`);
  });

  it('a program found on PATH runs; a caller executor and a reset need no agent', async () => {
    const paths = writePlan([['A']]);
    const found = new Orchestrator({
      ...paths,
      workerCommand: ['node', '-e', ''],
      workerStdin: null,
      env: { ...process.env },
    });
    expect((await found.run({ checkInterval: 50 })).outcome).toBe('completed');

    const other = writePlan([['A']]);
    const custom = new Orchestrator({ ...other, executor: new FakeExecutor(), env: { PATH: '' } });
    expect((await custom.run({ checkInterval: 50 })).outcome).toBe('completed');
    const reset = new Orchestrator({ ...other, env: { PATH: '' } });
    expect(await reset.reset('failed')).toEqual([]);
  });
});
