/**
 * Who writes a state: the lease holder, and the run the state records as writing it. Also what
 * `nova unlock` uses to release the lock of a run that is gone.
 */

import { resolve } from 'node:path';
import { StateError } from '../errors.js';
import type { CascadeState } from '../types.js';
import { holderLiveness, inspectLock, type LockInfo, pidAlive, removeLock } from './lease.js';
import { lockPathFor } from './paths.js';

/**
 * The lease is the first guard; the state's own record of its writer is the second. A run whose
 * lock file was removed by hand (or by `nova unlock --force`) is still recorded in the state as
 * running: while that process is alive, taking the state over would reap its live tasks and make
 * two writers. Checked before anything is written.
 */
export function refuseIfRecordedWriterAlive(file: string, state: CascadeState): void {
  const { orchestrator_pid: pid, orchestrator_host: host } = state.project;
  // Without a host (a state written before Nova recorded it) the pid alone proves nothing.
  if (pid === null || pid === process.pid || !host) return;
  const liveness = recordedWriterLiveness(state);
  if (liveness === 'dead' || liveness === null) return;
  throw new StateError(
    'STATE_LOCKED',
    liveness === 'alive'
      ? `${file} is being run by pid ${pid}, which is still running, although its lock file is missing or not its own. Only one orchestrator may write a state file: wait for that run to end or stop it.`
      : `${file} is being run by pid ${pid} on host ${host}, which cannot be checked from here, and its lock file is missing or not its own. Only one orchestrator may write a state file.`,
    { file, holderPid: pid },
  );
}

/**
 * Whether the run a state records as writing it is still running: its pid, host and process start
 * time are checked, so a reused pid is not taken for it. Null when no run is recorded. A state
 * written before Nova recorded the host is judged by its pid alone.
 */
export function recordedWriterLiveness(state: CascadeState): 'alive' | 'dead' | 'unknown' | null {
  const { orchestrator_pid: pid, orchestrator_host: host, orchestrator_start } = state.project;
  if (pid === null || pid === undefined) return null;
  if (!host) return pidAlive(pid) ? 'alive' : 'dead';
  return holderLiveness({
    pid,
    hostname: host,
    ...(orchestrator_start ? { proc_start: orchestrator_start } : {}),
  });
}

/** The lock of a state file and whether its holder runs (null when the state is not locked). */
export function inspectStateLock(stateFile: string): Promise<LockInfo | null> {
  const file = resolve(stateFile);
  return inspectLock(lockPathFor(file));
}

/**
 * Removes the lock of a state file whose holder is gone (`nova unlock`); refuses while it runs.
 * Resolves to what was removed, or null when there was no lock.
 */
export function unlockState(
  stateFile: string,
  options: { force?: boolean } = {},
): Promise<LockInfo | null> {
  const file = resolve(stateFile);
  return removeLock(file, lockPathFor(file), options);
}
