// The control: rewrites the state file in place (truncate + write), as the Python reference did.
import { writeFileSync } from 'node:fs';
import { initialState, usage } from './common.mjs';

const [stateFile, tasksArg] = process.argv.slice(2);
const state = initialState(Number(tasksArg));
writeFileSync(stateFile, JSON.stringify(state, null, 2));
process.stdout.write('ready\n');
for (let n = 0; ; n++) {
  state.tasks[`T${n % Number(tasksArg)}`].token_usage = usage(n);
  state.journal_seq = n;
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
}
