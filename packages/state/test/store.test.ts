import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCascade } from '@program-nova/parser';
import { afterAll, describe, expect, it } from 'vitest';
import { createState, planTransition, reconcile, summarize } from '../src/index.js';
import { journalPathFor, openStore, readState } from '../src/store.js';
import { initialState } from './children/common.mjs';

const root = mkdtempSync(join(tmpdir(), 'nova-state-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const dir = join(root, `case-${n++}`);
  mkdirSync(dir);
  return join(dir, 'cascade_state.json');
};

const PLAN = `# Shop

## L1: Application

### L2: Foundation

| Task ID | Task Name | What Changes | Depends On |
|---------|-----------|--------------|------------|
| F1 | Core Types | Define base types | - |
| F2 | Errors | Error types | F1 |

### L2: Interface

| Task ID | Task Name | Depends On |
|---|---|---|
| U1 | Screens | F2 |
`;

describe('store', () => {
  it('journals each transition, snapshots on close, and a new writer picks up where it stopped', async () => {
    const stateFile = fresh();
    const cascade = parseCascade(PLAN, { filename: 'CASCADE.md' });
    const store = await openStore(stateFile, { initialState: () => createState(cascade) });
    const at = new Date().toISOString();
    const e1 = await store.record({
      type: 'run_started',
      at,
      pid: process.pid,
      cascade_file: 'CASCADE.md',
    });
    const e2 = await store.record({
      type: 'task_started',
      at,
      id: 'F1',
      worker_id: 'w1',
      pid: 1,
      pgid: 1,
      log_path: 'logs/F1.log',
      model: null,
    });
    expect([e1.seq, e2.seq]).toEqual([1, 2]);
    // A caller's stray `seq` (say, a replayed JournalEntry) does not override the store's numbering.
    const e2b = await store.record({
      ...e2,
      seq: 99,
      type: 'task_progress',
      current_step: 'x',
    } as never);
    expect(e2b.seq).toBe(3);
    // Confirmed = in the journal file, before any snapshot.
    const lines = readFileSync(journalPathFor(stateFile), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.seq, l.type])).toEqual([
      [1, 'run_started'],
      [2, 'task_started'],
      [3, 'task_progress'],
    ]);
    await expect(store.record({ type: 'task_reset', at, id: 'NOPE' })).rejects.toMatchObject({
      code: 'UNKNOWN_TASK',
    });
    await expect(store.record({ type: 'nonsense', at } as never)).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
    });
    await store.flush();
    expect((await readState(stateFile)).tasks.F1!.status).toBe('in_progress');
    await store.close();
    await store.close(); // idempotent
    await expect(store.record({ type: 'task_reset', at, id: 'F1' })).rejects.toMatchObject({
      code: 'STATE_CLOSED',
    });
    expect(readFileSync(journalPathFor(stateFile), 'utf8')).toBe('');
    const snap = await readState(stateFile);
    expect(snap.journal_seq).toBe(3);
    expect(snap.graph.tasks.U1!.depends_on).toEqual(['F2']);

    const again = await openStore(stateFile);
    const e3 = await again.record({
      type: 'task_interrupted',
      at,
      id: 'F1',
      reason: 'resumed after a crash',
    });
    expect(e3.seq).toBe(4);
    // A changed plan goes through the journal as one plan_reconciled transition.
    const edited = parseCascade(
      PLAN.replace('| U1 | Screens | F2 |', '| U1 | Screens | F2 |\n| U2 | Polish | U1 |'),
    );
    const plan = planTransition(again.state, edited)!;
    expect(plan.added).toEqual(['U2']);
    await again.record(plan);
    expect(reconcile(again.state, edited).changes).toEqual([]);
    expect(summarize(again.state)).toMatchObject({ totalTasks: 4, pending: 4 });
    await again.close();
  });

  it('gives clear errors for missing, empty, corrupt and unknown-schema state files, and writes nothing', async () => {
    const missing = fresh();
    await expect(openStore(missing)).rejects.toMatchObject({ code: 'STATE_NOT_FOUND' });
    await expect(readState(missing)).rejects.toMatchObject({ code: 'STATE_NOT_FOUND' });
    await expect(openStore(join(root, 'no-such-dir', 'x.json'))).rejects.toMatchObject({
      code: 'STATE_NOT_FOUND',
    });
    for (const [text, code] of [
      ['', 'STATE_EMPTY'],
      ['{"schema_version": 1, "project": ', 'STATE_CORRUPT'],
      ['{"schema_version": 9, "tasks": {}}', 'STATE_SCHEMA'],
      ['{"schema_version": 1, "project": {"name": 3}}', 'STATE_INVALID'],
    ] as const) {
      const file = fresh();
      writeFileSync(file, text);
      await expect(openStore(file, { initialState: () => initialState(2) })).rejects.toMatchObject({
        code,
        file,
      });
      await expect(readState(file)).rejects.toMatchObject({ code });
      expect(readFileSync(file, 'utf8')).toBe(text);
    }
  });

  it('refuses a journal left without its snapshot', async () => {
    const file = fresh();
    writeFileSync(
      journalPathFor(file),
      `${JSON.stringify({ seq: 1, type: 'run_finished', at: new Date().toISOString(), completed: false })}\n`,
    );
    const error = await openStore(file, { initialState: () => initialState(2) }).catch((e) => e);
    expect(error.code).toBe('STATE_NOT_FOUND');
    expect(error.message).toContain(journalPathFor(file));
  });

  it('opens a Program Nova state file and keeps its tasks', async () => {
    const file = fresh();
    writeFileSync(
      file,
      readFileSync(new URL('./fixtures/program-nova-state.json', import.meta.url)),
    );
    const store = await openStore(file);
    expect(store.state.graph.derived).toBe(true);
    await store.record({ type: 'task_reset', at: new Date().toISOString(), id: 'F2' });
    await store.close();
    const back = await readState(file);
    expect(back.schema_version).toBe(1);
    expect(back.tasks.F2!.status).toBe('pending');
    expect(back.tasks.F1!.commit_sha).toBe('abc123');
  });

  it('batches concurrent records into few journal writes, in order', async () => {
    const file = fresh();
    const store = await openStore(file, { initialState: () => initialState(10) });
    const at = new Date().toISOString();
    const entries = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        store.record({ type: 'task_progress', at, id: `T${i % 10}`, current_step: `s${i}` }),
      ),
    );
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(store.stats.journalWrites).toBeLessThan(500);
    const seqs = readFileSync(journalPathFor(file), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).seq);
    expect(seqs).toEqual(entries.map((e) => e.seq));
    await store.close();
  });
});

describe('store options', () => {
  it('syncJournal confirms after fdatasync, same journal content', async () => {
    const file = fresh();
    const store = await openStore(file, {
      initialState: () => initialState(3),
      syncJournal: true,
      snapshotIntervalMs: 0,
    });
    const at = new Date().toISOString();
    const entries = await Promise.all(
      [0, 1, 2].map((i) => store.record({ type: 'task_reset', at, id: `T${i}` })),
    );
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    const lines = readFileSync(journalPathFor(file), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(['T0', 'T1', 'T2']);
    await store.close();
    expect((await readState(file)).journal_seq).toBe(3);
  });

  it('coalesces snapshots: many transitions, few snapshot writes', async () => {
    const file = fresh();
    const store = await openStore(file, {
      initialState: () => initialState(20),
      snapshotIntervalMs: 60_000,
    });
    const at = new Date().toISOString();
    for (let i = 0; i < 300; i++)
      await store.record({ type: 'task_progress', at, id: `T${i % 20}`, current_step: `${i}` });
    expect(store.stats.snapshots).toBe(1); // the one at open: the interval has not elapsed
    expect((await readState(file)).journal_seq).toBe(0);
    await store.flush();
    expect(store.stats.snapshots).toBe(2);
    expect((await readState(file)).tasks.T19!.current_step).toBe('299');
    await store.close();
  });

  it('a snapshot of thousands of tasks, written in pieces, is exactly the state as JSON', async () => {
    const file = fresh();
    // 3,000 tasks: more pieces than one writev(2) takes (IOV_MAX 1024), non-ASCII text included.
    const store = await openStore(file, {
      initialState: () => initialState(3000),
      snapshotIntervalMs: 60_000,
    });
    const at = new Date().toISOString();
    for (let i = 0; i < 3000; i += 7)
      await store.record({
        type: 'task_progress',
        at,
        id: `T${i}`,
        current_step: `Édition ✓ «${i}» 🚀`,
      });
    await store.flush();
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(`${JSON.stringify(store.state, null, 2)}\n`);
    expect((await readState(file)).tasks.T2996!.current_step).toBe('Édition ✓ «2996» 🚀');
    await store.close();
  });
});
