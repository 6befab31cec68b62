/** One writer, always: a lost lease stops the store, and a live recorded writer is never displaced. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectStateLock, lockPathFor, openStore, unlockState } from '../src/store.js';
import { initialState } from './children/common.mjs';
import { kill, spawnChild } from './proc.js';

const dir = mkdtempSync(join(tmpdir(), 'nova-state-lease-loss-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `s${n++}`, 'cascade_state.json');
const at = () => new Date().toISOString();

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

function lease(pid: number, host = hostname()) {
  return `${JSON.stringify({ pid, hostname: host, acquired_at: at(), token: `t-${pid}-${n}` })}\n`;
}

describe('a lost lease', () => {
  it('removed lock: the next record fails LEASE_LOST and nothing is written after', async () => {
    const file = fresh();
    const store = await openStore(file, { initialState: () => initialState(2) });
    await store.record({ type: 'task_reset', at: at(), id: 'T0' });
    await store.flush();
    const snapshot = readFileSync(file, 'utf8');
    const journal = readFileSync(`${file}.journal`, 'utf8');
    unlinkSync(lockPathFor(file));
    await expect(store.record({ type: 'task_reset', at: at(), id: 'T1' })).rejects.toMatchObject({
      code: 'LEASE_LOST',
      message: expect.stringContaining('was removed'),
    });
    await store.close();
    expect(readFileSync(file, 'utf8')).toBe(snapshot);
    expect(readFileSync(`${file}.journal`, 'utf8')).toBe(journal);
  });

  it('replaced lock: the next snapshot fails naming the new holder, whose lock is left alone', async () => {
    const file = fresh();
    const store = await openStore(file, { initialState: () => initialState(2) });
    const other = lease(4242);
    unlinkSync(lockPathFor(file));
    writeFileSync(lockPathFor(file), other);
    await expect(store.flush()).resolves.toBeUndefined(); // nothing recorded: nothing to write
    const recorded = store.record({ type: 'task_reset', at: at(), id: 'T0' });
    await expect(recorded).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await expect(recorded).rejects.toThrow(/replaced by pid 4242/);
    await store.close().catch(() => {});
    expect(readFileSync(lockPathFor(file), 'utf8')).toBe(other);
  });
});

describe('the recorded writer', () => {
  it('a live run whose lock file is gone is not displaced by a second opener', async () => {
    const file = fresh();
    const runner = spawnChild('runner.mjs', [file]);
    try {
      await runner.waitFor((l) => l === 'running');
      unlinkSync(lockPathFor(file));
      const snapshot = readFileSync(file, 'utf8');
      const err = await openStore(file, { initialState: () => initialState(3) }).catch(
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'STATE_LOCKED', holderPid: runner.proc.pid });
      expect((err as Error).message).toContain('still running');
      // Refused before writing anything, and its own lease is gone again.
      expect(readFileSync(file, 'utf8')).toBe(snapshot);
      expect(existsSync(lockPathFor(file))).toBe(false);
    } finally {
      await kill(runner);
    }
    // Once that run is gone, the state opens.
    const store = await openStore(file, { initialState: () => initialState(3) });
    await store.close();
  });
});

describe('nova unlock (unlockState)', () => {
  it('refuses while the holder runs', async () => {
    const file = fresh();
    const store = await openStore(file, { initialState: () => initialState(1) });
    await expect(unlockState(file)).rejects.toMatchObject({
      code: 'STATE_LOCKED',
      holderPid: process.pid,
    });
    expect(existsSync(lockPathFor(file))).toBe(true);
    await store.close();
  });

  it("removes a dead holder's lock and says whose it was", async () => {
    const file = fresh();
    (await openStore(file, { initialState: () => initialState(1) })).close();
    const pid = deadPid();
    writeFileSync(lockPathFor(file), lease(pid));
    expect((await inspectStateLock(file))?.liveness).toBe('dead');
    const removed = await unlockState(file);
    expect(removed?.holder?.pid).toBe(pid);
    expect(existsSync(lockPathFor(file))).toBe(false);
    expect(await unlockState(file)).toBeNull();
  });

  it('a holder on another host needs --force; an unreadable lock is removed', async () => {
    const file = fresh();
    (await openStore(file, { initialState: () => initialState(1) })).close();
    writeFileSync(lockPathFor(file), lease(1234, 'elsewhere.example'));
    await expect(unlockState(file)).rejects.toThrow(/elsewhere\.example.*--force/);
    expect((await unlockState(file, { force: true }))?.holder?.hostname).toBe('elsewhere.example');
    writeFileSync(lockPathFor(file), 'garbage');
    expect((await unlockState(file))?.holder).toBeNull();
    expect(existsSync(lockPathFor(file))).toBe(false);
  });
});
