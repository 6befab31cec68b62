// A stand-in for a running orchestrator: opens the store, records run_started with its identity
// (as the orchestrator does), says "running" and keeps the state until killed.
import { openStore, ownIdentity } from '../../dist/store.js';
import { initialState } from './common.mjs';

const [stateFile] = process.argv.slice(2);
const store = await openStore(stateFile, { initialState: () => initialState(3) });
const me = ownIdentity();
await store.record({
  type: 'run_started',
  at: new Date().toISOString(),
  pid: me.pid,
  cascade_file: null,
  host: me.hostname,
  ...(me.proc_start ? { proc_start: me.proc_start } : {}),
});
await store.flush();
process.stdout.write('running\n');
setInterval(() => {}, 1000);
