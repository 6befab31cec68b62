import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openStore, readState } from '../src/store.js';
import { kill, prng, spawnChild } from './proc.js';

const dir = mkdtempSync(join(tmpdir(), 'nova-state-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TASKS = 40;
const ROUNDS = 100;

it(`loses no confirmed transition across ${ROUNDS} SIGKILLs at random instants`, async () => {
  const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
  const random = prng(seed);
  const stateFile = join(dir, 'cascade_state.json');
  /** Highest confirmed value per task, and highest confirmed seq, over all rounds so far. */
  const confirmed = new Map<string, number>();
  let confirmedSeq = 0;
  let next = 1;
  let roundsWithConfirmations = 0;
  let tornCuts = 0;
  // Until some writer has made the first snapshot there is nothing to read: early rounds may all
  // be killed during start-up.
  let everOpened = false;
  for (let round = 0; round < ROUNDS; round++) {
    const child = spawnChild('crash-writer.mjs', [stateFile, String(next), String(TASKS)]);
    // Most kills land while records and snapshots fly; some during start-up and recovery.
    if (random() < 0.8) {
      await child.waitFor((l) => l === 'open');
      await new Promise((r) => setTimeout(r, random() * 40));
    } else {
      await new Promise((r) => setTimeout(r, random() * 150));
    }
    await kill(child);

    let confirmedThisRound = 0;
    for (const line of child.lines) {
      const m = /^(\d+) (T\d+) (\d+)$/.exec(line);
      if (!m) continue;
      confirmedThisRound++;
      confirmedSeq = Math.max(confirmedSeq, Number(m[1]));
      confirmed.set(m[2]!, Math.max(confirmed.get(m[2]!) ?? 0, Number(m[3])));
      next = Math.max(next, Number(m[3]) + 1);
    }
    if (confirmedThisRound > 0) roundsWithConfirmations++;
    // Values a killed writer may have recorded without confirming: the next round starts above them.
    next += 10_000;

    const context = `seed ${seed}, round ${round}`;
    // A reader can parse whatever snapshot the kill left (it may not exist if the first open was hit).
    if (child.lines.includes('open')) everOpened = true;
    if (everOpened) {
      await expect(readState(stateFile), context).resolves.toMatchObject({ schema_version: 1 });
    }
    const warnings: string[] = [];
    const store = await openStore(stateFile, { onWarning: (w) => warnings.push(w.code) }).catch(
      (error) => {
        if (!everOpened && error.code === 'STATE_NOT_FOUND') return null; // no snapshot made yet
        throw new Error(`${context}: recovery failed: ${error.message}`);
      },
    );
    if (store === null) continue;
    everOpened = true;
    if (warnings.includes('JOURNAL_TORN')) tornCuts++;
    expect(store.stats.seq, context).toBeGreaterThanOrEqual(confirmedSeq);
    for (const [id, value] of confirmed) {
      expect(
        store.state.tasks[id]!.token_usage.input_tokens,
        `${context}, task ${id}`,
      ).toBeGreaterThanOrEqual(value);
    }
    await store.close();
  }
  // The test proves something only if the writers really confirmed transitions before dying.
  expect(roundsWithConfirmations).toBeGreaterThan(ROUNDS / 2);
  expect(confirmedSeq).toBeGreaterThan(1000);
  console.log(
    `crash test: seed ${seed}, ${confirmedSeq} confirmed transitions, ${roundsWithConfirmations} rounds with confirmations, ${tornCuts} torn tails cut`,
  );
});
