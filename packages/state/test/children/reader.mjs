// Reads the state file `count` times with readState and reports failures (there must be none) and how
// many different snapshots it saw (there must be many, or the test proved nothing).
import { readState } from '../../dist/store.js';

const [stateFile, countArg] = process.argv.slice(2);
const count = Number(countArg);
let failures = 0;
let first = null;
const seen = new Set();
for (let i = 0; i < count; i++) {
  try {
    const state = await readState(stateFile);
    seen.add(state.journal_seq);
  } catch (error) {
    failures++;
    first ??= `${error.code}: ${error.message}`;
  }
}
process.stdout.write(`${JSON.stringify({ reads: count, failures, first, distinct: seen.size })}\n`);
