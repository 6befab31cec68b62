import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockPathFor, openStore, readState } from '../src/store.js';
import { initialState } from './children/common.mjs';
import { type Child, kill, spawnChild } from './proc.js';

const dir = mkdtempSync(join(tmpdir(), 'nova-state-lease-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WRITERS = 20;
const ROUNDS = 20;

interface Answer {
  pid: number;
  result: string;
  holderPid?: number;
  warnings?: { code: string; message: string }[];
  message?: string;
}

/** The pid of a process that has exited and been reaped. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

describe('single-writer lease', () => {
  it(`${WRITERS} writers at once, ${ROUNDS} rounds: exactly one holds it; after SIGKILL another takes it over`, async () => {
    const stateFile = join(dir, 'race', 'cascade_state.json');
    const contenders: Child[] = [];
    const answersSince = new Map<Child, number>();
    const start = () => {
      const c = spawnChild('contender.mjs', [stateFile]);
      contenders.push(c);
      return c.waitFor((l) => l === 'ready');
    };
    try {
      await Promise.all(Array.from({ length: WRITERS }, start));
      for (let round = 0; round < ROUNDS; round++) {
        for (const c of contenders) answersSince.set(c, c.lines.length);
        for (const c of contenders) c.proc.stdin!.write('try\n');
        const answers: Answer[] = await Promise.all(
          contenders.map((c) =>
            c
              .waitFor((l) => l.startsWith('{') && c.lines.indexOf(l) >= answersSince.get(c)!)
              .then((l) => JSON.parse(l)),
          ),
        );
        const holders = answers.filter((a) => a.result === 'held');
        expect(holders, `round ${round}: ${JSON.stringify(answers)}`).toHaveLength(1);
        const holder = holders[0]!;
        for (const a of answers) {
          if (a === holder) continue;
          expect(a.result, `round ${round}: ${a.message}`).toBe('STATE_LOCKED');
          expect(a.holderPid, `round ${round}: ${a.message}`).toBe(holder.pid);
        }
        if (round > 0) {
          // The previous holder was SIGKILLed holding the lease: this one took it over, and said so.
          expect(holder.warnings?.map((w) => w.code)).toEqual(['LEASE_TAKEN_OVER']);
        }
        const victim = contenders.find((c) => c.proc.pid === holder.pid)!;
        await kill(victim);
        contenders.splice(contenders.indexOf(victim), 1);
        await start();
      }
      // No takeover claim is left behind, and the state file is intact.
      expect(readdirSync(join(dir, 'race')).filter((n) => n.includes('takeover'))).toEqual([]);
      await expect(readState(stateFile)).resolves.toMatchObject({ schema_version: 1 });
    } finally {
      await Promise.all(contenders.map(kill));
    }
  });

  it('names the holder pid; a second writer in the same process is refused too', async () => {
    const stateFile = join(dir, 'same', 'cascade_state.json');
    const first = await openStore(stateFile, { initialState: () => initialState(3) });
    const error = await openStore(stateFile).catch((e) => e);
    expect(error.code).toBe('STATE_LOCKED');
    expect(error.holderPid).toBe(process.pid);
    expect(error.message).toContain(`pid ${process.pid}`);
    await first.close();
    expect(existsSync(lockPathFor(stateFile))).toBe(false);
    const again = await openStore(stateFile);
    await again.close();
  });

  it('never takes over a lease held from another host', async () => {
    const stateFile = join(dir, 'remote', 'cascade_state.json');
    const s = await openStore(stateFile, { initialState: () => initialState(3) });
    await s.close();
    const lock = {
      pid: deadPid(),
      hostname: `not-${hostname()}`,
      acquired_at: new Date().toISOString(),
      token: 'remote-1',
    };
    writeFileSync(lockPathFor(stateFile), JSON.stringify(lock));
    const error = await openStore(stateFile).catch((e) => e);
    expect(error.code).toBe('STATE_LOCKED');
    expect(error.holderPid).toBe(lock.pid);
    expect(error.message).toContain(`not-${hostname()}`);
  });

  it('takes over past a takeover claim left by a claimant that died mid-takeover', async () => {
    const stateFile = join(dir, 'chain', 'cascade_state.json');
    const s = await openStore(stateFile, { initialState: () => initialState(3) });
    await s.close();
    const lockPath = lockPathFor(stateFile);
    const dead = {
      pid: deadPid(),
      hostname: hostname(),
      acquired_at: new Date().toISOString(),
      token: 'dead-holder',
    };
    const claimant = {
      pid: deadPid(),
      hostname: hostname(),
      acquired_at: new Date().toISOString(),
      token: 'dead-claimant',
    };
    writeFileSync(lockPath, JSON.stringify(dead));
    writeFileSync(`${lockPath}.takeover-dead-holder`, JSON.stringify(claimant));
    const warnings: string[] = [];
    const store = await openStore(stateFile, { onWarning: (w) => warnings.push(w.message) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`pid ${dead.pid}`);
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    expect(readdirSync(join(dir, 'chain')).filter((n) => n.includes('takeover'))).toEqual([]);
    await store.close();
  });

  it('refuses an unreadable lock file instead of guessing', async () => {
    const stateFile = join(dir, 'garbled', 'cascade_state.json');
    const s = await openStore(stateFile, { initialState: () => initialState(3) });
    await s.close();
    writeFileSync(lockPathFor(stateFile), 'garbage');
    const error = await openStore(stateFile).catch((e) => e);
    expect(error.code).toBe('STATE_LOCKED');
    expect(error.message).toContain(lockPathFor(stateFile));
  });
});
