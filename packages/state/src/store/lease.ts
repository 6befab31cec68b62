import { randomBytes } from 'node:crypto';
import { type BigIntStats, readFileSync, statSync } from 'node:fs';
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
  /**
   * Null while this lease still holds; otherwise why it was lost (the lock file was removed, or
   * replaced by another process's). Cheap (one stat): called before every write of the state.
   */
  lost(): string | null;
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

/** This process, as recorded in a lease or in the state it writes. */
export function ownIdentity(): ProcessIdentity {
  const me: ProcessIdentity = { pid: process.pid, hostname: hostname() };
  if (bootId) me.boot_id = bootId;
  const stat = readProcStat(process.pid);
  if (stat?.startTime) me.proc_start = stat.startTime;
  return me;
}

function myRecord(): LeaseRecord {
  const { pid, hostname: host, ...rest } = ownIdentity();
  return {
    pid,
    hostname: host,
    acquired_at: new Date().toISOString(),
    token: `${process.pid}-${Date.now().toString(36)}-${randomBytes(8).toString('hex')}`,
    ...rest,
  };
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

/** Who a process is, as far as liveness checks go: a lease holder or a state's recorded writer. */
export interface ProcessIdentity {
  pid: number;
  hostname: string;
  boot_id?: string;
  proc_start?: string;
}

/**
 * 'dead' only when this host can tell for sure: same host and (a different boot, no such process, a
 * zombie, or a pid now owned by a process that started at another time). A holder on another host is
 * 'unknown' and treated as alive: its lease is never taken over automatically.
 */
export function holderLiveness(r: ProcessIdentity): 'alive' | 'dead' | 'unknown' {
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

/**
 * The lease as held: the lock file's identity is noted at once (device, inode, size and
 * modification time), so that a later check can tell with one stat whether the file at the lock
 * path is still the one this process put there. Nothing ever rewrites a lock file in place, and a
 * removed lock re-created by someone else differs in at least one of these (a reused inode number
 * comes with another record, written at another time).
 */
function held(lockPath: string, record: LeaseRecord, release: () => Promise<void>): Lease {
  const identity = (st: BigIntStats) => `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
  const mine = identity(statSync(lockPath, { bigint: true }));
  return {
    lockPath,
    record,
    release,
    lost() {
      let now: BigIntStats;
      try {
        now = statSync(lockPath, { bigint: true });
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') return `its lock file ${lockPath} was removed`;
        return `its lock file ${lockPath} cannot be checked (${(error as Error).message})`;
      }
      if (identity(now) === mine) return null;
      let by = '';
      try {
        const other = parseRecord(readFileSync(lockPath, 'utf8'));
        if (other?.token === record.token) return null;
        if (other) by = ` by pid ${other.pid} on ${other.hostname} (since ${other.acquired_at})`;
      } catch {}
      return `its lock file ${lockPath} was replaced${by}`;
    },
  };
}

/** What holds a state file's lock, for `nova unlock` and status reports. */
export interface LockInfo {
  lockFile: string;
  /** The holder, or null when the file is not a readable Nova lease. */
  holder: LeaseRecord | null;
  /** 'unknown' for a holder on another host, or a lock that cannot be read. */
  liveness: 'alive' | 'dead' | 'unknown';
}

/** The lock at `lockPath`, or null when there is none. */
export async function inspectLock(lockPath: string): Promise<LockInfo | null> {
  const holder = await readRecord(lockPath);
  if (holder === null) return null;
  if (holder === 'unreadable') return { lockFile: lockPath, holder: null, liveness: 'unknown' };
  return { lockFile: lockPath, holder, liveness: holderLiveness(holder) };
}

/**
 * Removes the lock of `stateFile` when its holder is gone. Refuses (STATE_LOCKED) while the holder
 * is alive, and when it cannot be checked (another host) unless `force`. A lock that is not a
 * readable lease is removed: no holder can be named, so none can be checked.
 */
export async function removeLock(
  stateFile: string,
  lockPath: string,
  options: { force?: boolean } = {},
): Promise<LockInfo | null> {
  const info = await inspectLock(lockPath);
  if (info === null) return null;
  const { holder, liveness } = info;
  if (holder !== null && liveness === 'alive') {
    throw new StateError(
      'STATE_LOCKED',
      `${stateFile} is held by pid ${holder.pid}, which is running (since ${holder.acquired_at}); not removing its lock. Stop that run first.`,
      { file: stateFile, holderPid: holder.pid },
    );
  }
  if (holder !== null && liveness === 'unknown' && !options.force) {
    throw new StateError(
      'STATE_LOCKED',
      `${stateFile} is held by pid ${holder.pid} on host ${holder.hostname}, which cannot be checked from here; run \`nova unlock\` on that host, or add --force if you know that run is gone.`,
      { file: stateFile, holderPid: holder.pid },
    );
  }
  // Only the file read above goes: a lease taken meanwhile by a new run is not touched.
  const again = await readRecord(lockPath);
  const same =
    (again === 'unreadable' && holder === null) ||
    (again !== null && again !== 'unreadable' && holder !== null && again.token === holder.token);
  if (!same) {
    throw new StateError(
      'STATE_LOCKED',
      `${stateFile}: its lock changed while it was being checked (another run took it); nothing removed.`,
      { file: stateFile },
    );
  }
  await unlink(lockPath).catch((error: unknown) => {
    if (errnoCode(error) !== 'ENOENT') throw error;
  });
  await fsyncDir(dirname(lockPath));
  return info;
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
      `Only one orchestrator may write a state file: wait for that run to end or stop it${
        liveness === 'unknown'
          ? `; if it is gone, \`nova unlock --force\` releases its lock (${lockPath})`
          : ''
      }.`,
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
        return held(lockPath, record, release);
      }
      const holder = await readRecord(lockPath);
      if (holder === null) continue; // released in between: try again
      if (holder === 'unreadable') {
        throw new StateError(
          'STATE_LOCKED',
          `${stateFile} is locked by ${lockPath}, which cannot be read as a Nova lease. If no orchestrator is running, \`nova unlock\` removes it.`,
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
      return held(lockPath, record, release);
    }
  } finally {
    await unlink(temp).catch(() => {});
  }
}
