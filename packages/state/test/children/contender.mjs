// One would-be writer: on each "try" line it attempts openStore and answers with one JSON line.
// Once it holds the lease it keeps it (the test SIGKILLs it).
import { openStore } from '../../dist/store.js';
import { initialState, onLines } from './common.mjs';

const [stateFile] = process.argv.slice(2);
let held = null;
onLines(async (line) => {
  if (line !== 'try') return;
  if (held) {
    process.stdout.write(`${JSON.stringify({ pid: process.pid, result: 'held' })}\n`);
    return;
  }
  const warnings = [];
  try {
    held = await openStore(stateFile, {
      initialState: () => initialState(5),
      onWarning: (w) => warnings.push(w),
    });
    process.stdout.write(`${JSON.stringify({ pid: process.pid, result: 'held', warnings })}\n`);
  } catch (error) {
    process.stdout.write(
      `${JSON.stringify({ pid: process.pid, result: error.code ?? 'error', holderPid: error.holderPid, message: error.message })}\n`,
    );
  }
});
process.stdout.write('ready\n');
