/**
 * What each package must do once installed alone: a few lines of real use, run with node (and the
 * libraries' typed use, checked with tsc), in a folder that has nothing else.
 */
export const PLAN = [
  '# Packed',
  '## L1: Main',
  '### L2: Work',
  '| Task ID | Depends On |',
  '|---|---|',
  '| A | - |',
  '| B | A |',
  '',
].join('\n');

/** Node ESM, printing `ok` when the package works. */
export const RUN: Record<string, string> = {
  '@program-nova/core': `
    import { formatDuration, isTaskId } from '@program-nova/core';
    import { ensureDirectory } from '@program-nova/core/node';
    ensureDirectory('made/here');
    if (formatDuration(185000) !== '3m 05s' || !isTaskId('A-1')) throw new Error('core');
    console.log('ok');`,
  '@program-nova/parser': `
    import { parseCascade } from '@program-nova/parser';
    import { criticalPath } from '@program-nova/parser/graph';
    const c = parseCascade(${JSON.stringify('PLAN')});
    if (criticalPath(c.tasks).length !== 2) throw new Error('parser');
    console.log('ok');`,
  '@program-nova/state': `
    import { parseCascade } from '@program-nova/parser';
    import { createState, rollup } from '@program-nova/state';
    import { openStore } from '@program-nova/state/store';
    const c = parseCascade(${JSON.stringify('PLAN')});
    const store = await openStore('s/state.json', { initialState: () => createState(c) });
    await store.record({ type: 'task_reset', at: new Date().toISOString(), id: 'A' });
    await store.close();
    if (rollup(store.state).counts.totalTasks !== 2) throw new Error('state');
    console.log('ok');`,
  '@program-nova/worker': `
    import { startWorker } from '@program-nova/worker';
    const w = startWorker({
      task: { id: 'A', name: 'a', description: 'd', branch: 'b', group: 'g', dependsOn: [] },
      project: 'P',
      logsDir: 'logs',
      command: [process.execPath, '-e', 'process.stdin.resume(); process.stdin.on("end", () => {})'],
    });
    const r = await w.done;
    if (!r.ok) throw new Error(r.error.message);
    console.log('ok');`,
  '@program-nova/orchestrator': `
    import { writeFileSync } from 'node:fs';
    import { Orchestrator } from '@program-nova/orchestrator';
    writeFileSync('CASCADE.md', ${JSON.stringify('PLAN')});
    const o = new Orchestrator({
      cascadeFile: 'CASCADE.md',
      workerCommand: [process.execPath, '-e', ''],
      workerStdin: null,
    });
    const r = await o.run({ checkInterval: 50 });
    if (r.outcome !== 'completed') throw new Error(r.outcome);
    console.log('ok');`,
  '@program-nova/notify': `
    import { readFileSync } from 'node:fs';
    import { createNotifier } from '@program-nova/notify';
    const warnings = [];
    const n = createNotifier({
      hooks: [{ event: 'task:failed', command: [process.execPath, '-e', 'process.stdin.pipe(process.stdout)'] },
              { event: '*', command: [process.execPath, '-e', "require('node:fs').appendFileSync('got', '{id}')"] }],
      onWarning: (w) => warnings.push(w),
    });
    n.send({ type: 'task:failed', at: new Date().toISOString(), run: { project: 'P', state: 's' }, id: 'A' });
    await n.flush();
    if (warnings.length || readFileSync('got', 'utf8') !== 'A') throw new Error('notify');
    console.log('ok');`,
  '@program-nova/executor-bullmq': `
    import { createServer } from 'node:net';
    import { BullmqExecutor, queueNameOf } from '@program-nova/executor-bullmq';
    // A port nothing listens on: the error is the one a user sees for an unreachable Redis.
    const port = await new Promise((r) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => r(p));
      });
    });
    const e = await BullmqExecutor.open({
      redis: 'redis://:pw@127.0.0.1:' + port,
      queue: queueNameOf('P'),
      logsDir: 'logs',
    }).catch((x) => x);
    if (e.code !== 'REDIS_UNREACHABLE' || e.message.includes(':pw@')) throw new Error(e.message);
    console.log('ok');`,
};

/** TypeScript a user would write against each library (type-checked, not run). */
export const TYPED: Record<string, string> = {
  '@program-nova/core': `
    import { type TokenUsage, totalTokens, zeroUsage } from '@program-nova/core';
    import { readProcStat } from '@program-nova/core/node';
    const u: TokenUsage = zeroUsage();
    const n: number = totalTokens(u);
    const s: string | undefined = readProcStat('self')?.state;
    export { n, s };`,
  '@program-nova/parser': `
    import { type Cascade, CascadeError, parseCascade } from '@program-nova/parser';
    import { waves } from '@program-nova/parser/graph';
    const c: Cascade = parseCascade('# P');
    const w: string[][] = waves(c.tasks);
    const e = new CascadeError('E_CYCLE', 'x');
    export { w, e };`,
  '@program-nova/state': `
    import { type CascadeState, type Transition, rollup } from '@program-nova/state';
    import { openStore, type StateStore } from '@program-nova/state/store';
    declare const s: CascadeState;
    const t: Transition = { type: 'task_reset', at: '', id: 'A' };
    const cost: number = rollup(s).costUsd;
    const open: Promise<StateStore> = openStore('x');
    export { t, cost, open };`,
  '@program-nova/worker': `
    import { startWorker, type WorkerResult, WorkerError } from '@program-nova/worker';
    const w = startWorker({
      task: { id: 'A', name: '', description: '', branch: '', group: '', dependsOn: [] },
      project: 'P',
      logsDir: 'logs',
    });
    const r: Promise<WorkerResult> = w.done;
    const isErr = (e: unknown): e is WorkerError => e instanceof WorkerError;
    export { r, isErr };`,
  '@program-nova/orchestrator': `
    import { type Executor, Orchestrator, type RunResult } from '@program-nova/orchestrator';
    const o = new Orchestrator({ cascadeFile: 'CASCADE.md' });
    o.on('task:failed', (e) => e.kind);
    const r: Promise<RunResult> = o.run();
    const ex: Executor = o.executor;
    export { r, ex };`,
  '@program-nova/notify': `
    import { createNotifier, type NotifyEvent, NotifyError } from '@program-nova/notify';
    const n = createNotifier({ webhooks: [{ url: 'https://x.test' }], onWarning: (w) => w.code });
    const e: NotifyEvent = { type: 'run:started', at: '', run: { project: 'P', state: 's' } };
    n.send(e);
    const done: Promise<void> = n.flush();
    const isErr = (x: unknown): x is NotifyError => x instanceof NotifyError;
    export { done, isErr };`,
  '@program-nova/executor-bullmq': `
    import type { Executor } from '@program-nova/orchestrator';
    import { BullmqExecutor, type BullmqExecutorError, NovaWorker } from '@program-nova/executor-bullmq';
    const ex: Promise<Executor> = BullmqExecutor.open({ redis: 'redis://h', queue: 'q', logsDir: 'l' });
    const w: Promise<NovaWorker> = NovaWorker.start({ redis: 'redis://h', queue: 'q', logsDir: 'l' });
    const code = (e: BullmqExecutorError): string => e.code;
    export { ex, w, code };`,
};
