// Replaces the snapshot as fast as it can: one transition, then flush(), forever (until killed).
import { openStore } from '../../dist/store.js';
import { initialState, usage } from './common.mjs';

const [stateFile, tasksArg] = process.argv.slice(2);
const tasks = Number(tasksArg);
const store = await openStore(stateFile, {
  initialState: () => initialState(tasks),
  snapshotIntervalMs: 1_000_000,
});
process.stdout.write('ready\n');
for (let n = 0; ; n++) {
  await store.record({
    type: 'task_progress',
    at: new Date().toISOString(),
    id: `T${n % tasks}`,
    token_usage: usage(n),
  });
  await store.flush();
  if (n % 50 === 0) process.stdout.write(`snapshots ${store.stats.snapshots}\n`);
}
