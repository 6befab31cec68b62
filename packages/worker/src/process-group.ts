/**
 * Process-group helpers. A worker leads its own group (spawned detached), so signalling `-pgid`
 * reaches every process it started, grandchildren included, unless one left the group itself.
 */

import { readdirSync } from 'node:fs';
import { errnoCode, readProcStat } from '@program-nova/core/node';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let hasProc: boolean | undefined;
const procAvailable = (): boolean => {
  hasProc ??= process.platform === 'linux' && readProcStat('self') !== null;
  return hasProc;
};

/**
 * Whether a process (pid > 0) or any member of a process group (pid < 0, i.e. `-pgid`) is alive.
 * A process owned by another user counts as alive. A zombie (exited, not yet reaped by its parent
 * or init) does not: on Linux it is told apart through /proc, since a slow init can leave zombies
 * of a killed group around for a while.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid === 0 || pid === -1) {
    throw new TypeError(`isProcessAlive: expected a pid or -pgid, got ${String(pid)}`);
  }
  try {
    process.kill(pid, 0);
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
  if (!procAvailable()) return true;
  if (pid > 0) {
    const st = readProcStat(pid);
    return st === null ? true : st.state !== 'Z';
  }
  const pgid = -pid;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    const c = entry.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const st = readProcStat(entry);
    if (st !== null && st.pgid === pgid && st.state !== 'Z') return true;
  }
  return false;
}

function checkPgid(pgid: number): void {
  // kill(-1) signals every process we may signal and kill(-0) our own group: never.
  if (!Number.isInteger(pgid) || pgid <= 1) {
    throw new TypeError(`killProcessGroup: expected a process group id > 1, got ${String(pgid)}`);
  }
  if (pgid === process.pid) {
    throw new TypeError('killProcessGroup: refusing to signal the group this process leads');
  }
}

/**
 * Sends `signal` to every process of group `pgid`. Returns false when the group no longer
 * exists (nothing to do), true when the signal was sent.
 */
export function killProcessGroup(
  pgid: number,
  signal: NodeJS.Signals | number = 'SIGTERM',
): boolean {
  checkPgid(pgid);
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ESRCH') return false;
    throw error;
  }
}

/**
 * Stops a whole group: SIGTERM, up to `graceMs` for it to go, then SIGKILL. Resolves true when
 * the group is gone (false if it still had members `graceMs` after the SIGKILL, e.g. processes
 * stuck in uninterruptible sleep). For reaping survivors of a crashed orchestrator.
 */
export async function reapProcessGroup(
  pgid: number,
  options: { graceMs?: number; pollMs?: number } = {},
): Promise<boolean> {
  const graceMs = options.graceMs ?? 5000;
  const pollMs = options.pollMs ?? 25;
  if (!killProcessGroup(pgid, 'SIGTERM')) return true;
  const gone = async (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!isProcessAlive(-pgid)) return true;
      await sleep(pollMs);
    }
    return !isProcessAlive(-pgid);
  };
  if (await gone(graceMs)) return true;
  killProcessGroup(pgid, 'SIGKILL');
  return gone(Math.max(graceMs, 1000));
}
