// Records transitions as fast as it can (batches of concurrent records, a snapshot every 2 ms) and
// prints "<seq> <task> <n>" once each record() has resolved, until it is killed.
import { openStore } from '../../dist/store.js';
import { initialState, usage } from './common.mjs';

const [stateFile, startArg, tasksArg] = process.argv.slice(2);
const tasks = Number(tasksArg);
const store = await openStore(stateFile, {
  initialState: () => initialState(tasks),
  snapshotIntervalMs: 2,
});
process.stdout.write('open\n');
let n = Number(startArg);
for (;;) {
  const batch = [];
  for (let k = 1 + (n % 7); k > 0; k--) {
    const value = n++;
    const id = `T${value % tasks}`;
    batch.push(
      store
        .record({
          type: 'task_progress',
          at: new Date().toISOString(),
          id,
          token_usage: usage(value),
          current_step: `step ${value}`,
        })
        .then((e) => process.stdout.write(`${e.seq} ${id} ${value}\n`)),
    );
  }
  await Promise.all(batch);
}
