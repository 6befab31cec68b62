// The state store under a 10,000-task plan: transitions per second, snapshot writes per second under
// that load, and the latency the orchestrator sees for one confirmed transition (record() resolved =
// line in the journal file). Baselines are raw fs calls measured in the same run.
import { closeSync, mkdtempSync, openSync, rmSync, write, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createState } from '../../packages/state/dist/index.js';
import { openStore } from '../../packages/state/dist/store.js';

export const title = 'state store (10,000 tasks)';

const TASKS = 10_000;

function cascade() {
  const tasks = [];
  for (let i = 0; i < TASKS; i++) {
    tasks.push({
      id: `T${i}`,
      name: `Task ${i}`,
      description: `Change module ${i} and its tests`,
      dependsOn: i % 10 === 0 ? [] : [`T${i - 1}`],
      branch: `B${Math.floor(i / 1000)}`,
      group: `G${Math.floor(i / 100)}`,
      line: i + 1,
      fields: {},
    });
  }
  const hierarchy = [];
  for (const t of tasks) {
    let b = hierarchy.find((x) => x.branch === t.branch);
    if (!b) {
      b = { branch: t.branch, groups: [] };
      hierarchy.push(b);
    }
    let g = b.groups.at(-1);
    if (g?.group !== t.group) {
      g = { group: t.group, tasks: [] };
      b.groups.push(g);
    }
    g.tasks.push(t.id);
  }
  return { projectName: 'Bench', tasks, hierarchy, warnings: [] };
}

const usage = (n) => ({
  input_tokens: n * 10,
  output_tokens: n,
  cache_read_tokens: n * 100,
  cache_creation_tokens: n * 5,
});
const now = () => new Date().toISOString();

function* lifecycle() {
  for (let i = 0; i < TASKS; i++) {
    const id = `T${i}`;
    yield {
      type: 'task_started',
      at: now(),
      id,
      worker_id: `w-${i % 8}`,
      pid: 10_000 + i,
      pgid: 10_000 + i,
      log_path: `logs/${id}.log`,
      model: 'claude-sonnet-4-5-20250929',
    };
    yield {
      type: 'task_progress',
      at: now(),
      id,
      token_usage: usage(i),
      current_step: 'Editing files',
    };
    yield {
      type: 'task_completed',
      at: now(),
      id,
      exit_code: 0,
      token_usage: usage(i + 1),
      cost_usd: 0.01,
      model: 'claude-sonnet-4-5-20250929',
    };
  }
}

const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

async function latencies(store, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await store.record({
      type: 'task_progress',
      at: now(),
      id: `T${i % TASKS}`,
      current_step: `step ${i}`,
    });
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out.sort((a, b) => a - b);
}

/** The floor: one write(2) of one journal-sized line through libuv, awaited. */
async function rawWriteLatencies(file, n) {
  const fd = openSync(file, 'a');
  const line = Buffer.from(
    `${JSON.stringify({ seq: 1, type: 'task_progress', at: now(), id: 'T1', current_step: 'step 1' })}\n`,
  );
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise((res, rej) =>
      write(fd, line, 0, line.length, null, (e) => (e ? rej(e) : res())),
    );
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  closeSync(fd);
  return out.sort((a, b) => a - b);
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'nova-bench-store-'));
  const rows = [];
  try {
    const stateFile = join(dir, 'cascade_state.json');
    const plan = cascade();
    const store = await openStore(stateFile, { initialState: () => createState(plan) });
    const snapshotBytes = JSON.stringify(store.state, null, 2).length;

    // 1. Throughput, one transition awaited at a time (the slowest way to drive it).
    const gen = lifecycle();
    const snaps0 = store.stats.snapshots;
    let t0 = performance.now();
    let count = 0;
    for (const t of gen) {
      await store.record(t);
      count++;
    }
    let seconds = (performance.now() - t0) / 1000;
    const sequentialRate = count / seconds;
    const snapshotRate = (store.stats.snapshots - snaps0) / seconds;

    // 2. Throughput with 64 transitions in flight (many workers reporting at once): batched writes.
    const reset = [];
    for (let i = 0; i < TASKS; i++) reset.push({ type: 'task_reset', at: now(), id: `T${i}` });
    const pipelined = [...reset, ...lifecycle()];
    const writes0 = store.stats.journalWrites;
    t0 = performance.now();
    for (let i = 0; i < pipelined.length; i += 64) {
      await Promise.all(pipelined.slice(i, i + 64).map((t) => store.record(t)));
    }
    seconds = (performance.now() - t0) / 1000;
    const pipelinedRate = pipelined.length / seconds;
    const linesPerWrite = pipelined.length / (store.stats.journalWrites - writes0);

    // 3. Latency of one confirmed transition (the orchestrator awaits it before starting dependents),
    //    with the 10,000-task snapshot timer running underneath.
    const lat = await latencies(store, 3000);
    const raw = await rawWriteLatencies(join(dir, 'raw.journal'), 3000);

    // 4. Snapshot writes per second when forced back to back (atomic: temp, fsync, rename, dir fsync).
    let flushes = 0;
    t0 = performance.now();
    while (performance.now() - t0 < 3000) {
      await store.record({
        type: 'task_progress',
        at: now(),
        id: 'T1',
        current_step: `flush ${flushes}`,
      });
      await store.flush();
      flushes++;
    }
    const flushRate = flushes / ((performance.now() - t0) / 1000);
    // Baseline: the same document serialised and written in place, no fsync, no rename.
    let plain = 0;
    t0 = performance.now();
    while (performance.now() - t0 < 3000) {
      writeFileSync(join(dir, 'plain.json'), `${JSON.stringify(store.state, null, 2)}\n`);
      plain++;
    }
    const plainRate = plain / ((performance.now() - t0) / 1000);
    await store.close();

    // 5. The same latency with syncJournal (fdatasync per batch): the price of power-loss safety.
    const synced = await openStore(stateFile, { syncJournal: true });
    const latSync = await latencies(synced, 300);
    await synced.close();

    const p50 = pct(lat, 50);
    rows.push(
      {
        name: 'transitions/s, one awaited at a time',
        value: Math.round(sequentialRate),
        unit: '/s',
        note: `${count} transitions (start, progress, complete x 10,000 tasks)`,
      },
      {
        name: 'transitions/s, 64 in flight',
        value: Math.round(pipelinedRate),
        unit: '/s',
        note: `${linesPerWrite.toFixed(1)} lines per journal write`,
      },
      {
        name: 'snapshot writes/s under that load',
        value: Number(snapshotRate.toFixed(2)),
        unit: '/s',
        note: 'coalesced: one per 250 ms interval at most, whatever the event rate',
      },
      {
        name: 'snapshot writes/s back to back (flush)',
        value: Number(flushRate.toFixed(1)),
        unit: '/s',
        baseline: Number(plainRate.toFixed(1)),
        ratio: Number((plainRate / flushRate).toFixed(2)),
        note: `${(snapshotBytes / 1e6).toFixed(1)} MB snapshot; baseline = same JSON written in place without fsync (ratio = times slower)`,
      },
      {
        name: 'record() latency p50 (confirmed)',
        value: Number(p50.toFixed(4)),
        unit: 'ms',
        baseline: Number(pct(raw, 50).toFixed(4)),
        ratio: Number((p50 / pct(raw, 50)).toFixed(2)),
        target: 'p50 < 1 ms',
        pass: p50 < 1,
        note: 'baseline = one raw fs.write of a line',
      },
      {
        name: 'record() latency p99 (confirmed)',
        value: Number(pct(lat, 99).toFixed(4)),
        unit: 'ms',
        baseline: Number(pct(raw, 99).toFixed(4)),
        ratio: Number((pct(lat, 99) / pct(raw, 99)).toFixed(2)),
      },
      {
        name: 'record() latency p50 with syncJournal',
        value: Number(pct(latSync, 50).toFixed(3)),
        unit: 'ms',
        note: `p99 ${pct(latSync, 99).toFixed(3)} ms; fdatasync per batch (power-loss safe)`,
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
