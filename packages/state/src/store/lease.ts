import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errnoCode, readProcStat } from '@program-nova/core/node';
import { StateError } from '../errors.js';
import { fsyncDir, writeDurableTemp } from './fs-util.js';

/** Content of `<state>.lock` (and of takeover claim files): who holds the single-writer lease. */
export interface LeaseRecord {
  pid: number;
  hostname: string;
  /** When the holder took the lease. */
  acquired_at: string;
  /** Unique per lease: two leases of the same pid never share it. */
  token: string;
  /** Linux: /proc/sys/kernel/random/boot_id, to tell a pid from before a reboot. */
  boot_id?: string;
  /** Linux: start time of the holder process (clock ticks since boot), to tell a reused pid. */
  proc_start?: string;
}

export interface Lease {
  readonly lockPath: string;
  readonly record: LeaseRecord;
  release(): Promise<void>;
}

export type Warn = (w: { code: string; message: string }) => void;

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const bootId = readProc('/proc/sys/kernel/random/boot_id')?.trim();

function myRecord(): LeaseRecord {
  const record: LeaseRecord = {
    pid: process.pid,
    hostname: hostname(),
    acquired_at: new Date().toISOString(),
    token: `${process.pid}-${Date.now().toString(36)}-${randomBytes(8).toString('hex')}`,
  };
  if (bootId) record.boot_id = bootId;
  const stat = readProcStat(process.pid);
  if (stat?.startTime) record.proc_start = stat.startTime;
  return record;
}

/** True unless the kernel says there is no such process (EPERM means it exists). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) !== 'ESRCH';
  }
}

/**
 * 'dead' only when this host can tell for sure: same host and (a different boot, no such process, a
 * zombie, or a pid now owned by a process that started at another time). A holder on another host is
 * 'unknown' and treated as alive: its lease is never taken over automatically.
 */
function holderLiveness(r: LeaseRecord): 'alive' | 'dead' | 'unknown' {
  if (r.hostname !== hostname()) return 'unknown';
  if (r.boot_id && bootId && r.boot_id !== bootId) return 'dead';
  try {
    process.kill(r.pid, 0);
  } catch (error) {
    if (errnoCode(error) === 'ESRCH') return 'dead';
  }
  const stat = readProcStat(r.pid);
  if (stat) {
    if (stat.state === 'Z' || stat.state === 'X') return 'dead';
    if (r.proc_start && stat.startTime && stat.startTime !== r.proc_start) return 'dead';
  }
  return 'alive';
}

function parseRecord(text: string): LeaseRecord | null {
  try {
    const r = JSON.parse(text) as Partial<LeaseRecord>;
    if (
      typeof r.pid === 'number' &&
      typeof r.token === 'string' &&
      typeof r.hostname === 'string'
    ) {
      return r as LeaseRecord;
    }
  } catch {}
  return null;
}

/** The record at `path`; null if the file is gone; 'unreadable' for content that is not a record. */
async function readRecord(path: string): Promise<LeaseRecord | null | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
  return parseRecord(text) ?? 'unreadable';
}

async function tryLink(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  }
}

function claimPath(lockPath: string, token: string): string {
  return `${lockPath}.takeover-${token}`;
}

function lockedError(
  stateFile: string,
  lockPath: string,
  holder: LeaseRecord,
  liveness: string,
): StateError {
  const host = liveness === 'unknown' ? ` on host ${holder.hostname} (cannot check from here)` : '';
  return new StateError(
    'STATE_LOCKED',
    `${stateFile} is in use by another Nova process: pid ${holder.pid}${host}, since ${holder.acquired_at}. ` +
      `Only one orchestrator may write a state file. If that process is gone, remove ${lockPath}.`,
    { file: stateFile, holderPid: holder.pid },
  );
}

/**
 * Takes the single-writer lease on `lockPath`.
 *
 * Fresh lease: link(2) of a complete temp file onto the lock path: atomic and exclusive, and the lock
 * never exists half-written. A lease whose holder is dead is replaced by rename only by the process
 * that wins the claim file `<lock>.takeover-<dead token>` (created with link, so exactly one wins),
 * and only after re-reading the lock to check it still holds that dead token. A claimant that dies
 * mid-takeover leaves its claim behind; the next contender finds that claimant dead and competes for
 * the claim on the claimant's token, and so on down the chain: at every step at most one live process
 * holds the deepest claim, so at most one can replace the lock.
 */
export async function acquireLease(
  stateFile: string,
  lockPath: string,
  warn: Warn,
  options: { waitForClaimMs?: number } = {},
): Promise<Lease> {
  const record = myRecord();
  const content = `${JSON.stringify(record)}\n`;
  const temp = await writeDurableTemp(lockPath, content);
  const waitUntil = Date.now() + (options.waitForClaimMs ?? 3000);
  const release = async (): Promise<void> => {
    const current = await readRecord(lockPath).catch(() => null);
    if (current !== null && current !== 'unreadable' && current.token === record.token) {
      await unlink(lockPath).catch(() => {});
    }
  };
  try {
    for (;;) {
      if (await tryLink(temp, lockPath)) {
        await fsyncDir(dirname(lockPath));
        return { lockPath, record, release };
      }
      const holder = await readRecord(lockPath);
      if (holder === null) continue; // released in between: try again
      if (holder === 'unreadable') {
        throw new StateError(
          'STATE_LOCKED',
          `${stateFile} is locked by ${lockPath}, which cannot be read as a Nova lease. If no orchestrator is running, remove it.`,
          { file: stateFile },
        );
      }
      const liveness = holderLiveness(holder);
      if (liveness !== 'dead') throw lockedError(stateFile, lockPath, holder, liveness);

      // The holder is dead: compete for the takeover claim chain.
      const claims: string[] = [];
      let claimed = false;
      let waitingOn: LeaseRecord | undefined;
      for (let token = holder.token; ; ) {
        const path = claimPath(lockPath, token);
        if (await tryLink(temp, path)) {
          claims.push(path);
          claimed = true;
          break;
        }
        const claimant = await readRecord(path);
        if (claimant === null) continue; // claim withdrawn: compete again for the same one
        if (claimant !== 'unreadable' && holderLiveness(claimant) === 'dead') {
          claims.push(path); // a dead claimant's claim: removed once the takeover succeeds
          token = claimant.token;
          continue;
        }
        waitingOn = claimant === 'unreadable' ? undefined : claimant;
        break;
      }
      if (!claimed) {
        // A live process is taking over right now: wait and look again (it will hold the lease).
        if (Date.now() > waitUntil)
          throw lockedError(stateFile, lockPath, waitingOn ?? holder, 'alive');
        await sleep(5 + Math.floor(Math.random() * 10));
        continue;
      }
      const mine = claims[claims.length - 1]!;
      const current = await readRecord(lockPath);
      if (current === null || current === 'unreadable' || current.token !== holder.token) {
        // Someone else replaced (or released) the dead lease first: withdraw and start over.
        await unlink(mine).catch(() => {});
        continue;
      }
      const replacement = await writeDurableTemp(lockPath, content);
      await rename(replacement, lockPath);
      await fsyncDir(dirname(lockPath));
      // Claims are only ever checked against the lock's current token, so removing them is safe.
      for (const c of claims) await unlink(c).catch(() => {});
      warn({
        code: 'LEASE_TAKEN_OVER',
        message: `took over the lease of ${stateFile} from pid ${holder.pid} (since ${holder.acquired_at}), which is no longer running`,
      });
      return { lockPath, record, release };
    }
  } finally {
    await unlink(temp).catch(() => {});
  }
}
