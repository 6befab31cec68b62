// Reads the state file with readState at least `minReads` times, and on until it has seen
// `minDistinct` different snapshots (or `maxReads` is reached), then reports failures (there must be
// none) and how many different snapshots it saw (there must be many, or the test proved nothing).
import { readState } from '../../dist/store.js';

const [stateFile, minReadsArg, minDistinctArg, maxReadsArg, stopAfterFailuresArg] =
  process.argv.slice(2);
// Only for the control run against a writer that is not atomic: stop once it has seen this many.
const stopAfterFailures = Number(stopAfterFailuresArg ?? Number.POSITIVE_INFINITY);
const minReads = Number(minReadsArg);
const minDistinct = Number(minDistinctArg);
const maxReads = Number(maxReadsArg);
let reads = 0;
let failures = 0;
let first = null;
const seen = new Set();
while (
  (reads < minReads || seen.size < minDistinct) &&
  reads < maxReads &&
  failures < stopAfterFailures
) {
  reads++;
  try {
    const state = await readState(stateFile);
    seen.add(state.journal_seq);
  } catch (error) {
    failures++;
    first ??= `${error.code}: ${error.message}`;
  }
}
process.stdout.write(`${JSON.stringify({ reads, failures, first, distinct: seen.size })}\n`);
