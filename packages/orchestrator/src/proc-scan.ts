/**
 * Finding a crashed run's surviving workers on Linux through /proc. A recorded pid or process
 * group id alone is not proof (ids are reused), so a process counts as ours only if its
 * environment carries the task's NOVA_TASK_ID and this state file's NOVA_STATE_FILE, which the
 * worker sets on every process it spawns and which descendants inherit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readProcStat } from '@program-nova/core/node';

export interface ProcInfo {
  pid: number;
  pgid: number;
  /** Single-letter state from /proc/<pid>/stat (`Z` = exited, waiting for its parent). */
  state: string;
  taskId: string | undefined;
  stateFile: string | undefined;
}

/** Every readable process with its group and Nova markers; null where there is no /proc. */
export function scanProcesses(procRoot = '/proc'): ProcInfo[] | null {
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return null;
  }
  const out: ProcInfo[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    try {
      // The environment first: almost no process carries the markers, and it decides alone.
      const environ = readFileSync(`${procRoot}/${name}/environ`, 'utf8');
      let taskId: string | undefined;
      let stateFile: string | undefined;
      for (const kv of environ.split('\0')) {
        if (kv.startsWith('NOVA_TASK_ID=')) taskId = kv.slice('NOVA_TASK_ID='.length);
        else if (kv.startsWith('NOVA_STATE_FILE=')) stateFile = kv.slice('NOVA_STATE_FILE='.length);
      }
      if (taskId === undefined) continue;
      const stat = readProcStat(name, procRoot);
      if (stat === null) continue;
      out.push({ pid, pgid: stat.pgid, state: stat.state, taskId, stateFile });
    } catch {
      // Gone meanwhile, or another user's process: neither can be ours.
    }
  }
  return out;
}

/**
 * Live processes started for the run on `stateFile` (for one task, or any), never this process.
 * Zombies are left out: they have exited already and only wait for their parent.
 */
export function findTaskProcesses(
  taskId: string | null,
  stateFile: string,
  procRoot = '/proc',
): ProcInfo[] | null {
  const all = scanProcesses(procRoot);
  if (all === null) return null;
  return all.filter(
    (p) =>
      (taskId === null || p.taskId === taskId) &&
      p.stateFile === stateFile &&
      p.pid !== process.pid &&
      p.state !== 'Z',
  );
}

/** The process group of this process, where /proc tells it. */
export function ownProcessGroup(procRoot = '/proc'): number | null {
  return readProcStat('self', procRoot)?.pgid ?? null;
}
