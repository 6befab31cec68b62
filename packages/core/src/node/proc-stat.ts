import { readFileSync } from 'node:fs';

/** What Nova reads of a process from Linux's `/proc/<pid>/stat`. */
export interface ProcStat {
  /** One letter: R running, S sleeping, Z zombie (exited, not yet reaped), X dead, ... */
  state: string;
  /** Process group id. */
  pgid: number;
  /** Start time in clock ticks since boot: with the pid, names one process across pid reuse. */
  startTime: string;
}

/**
 * `/proc/<pid>/stat` parsed, or null when it cannot be read (the process is gone, or this is not
 * Linux). `pid` may be `'self'`.
 */
export function readProcStat(pid: number | string, procRoot = '/proc'): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is parenthesised and may itself hold spaces and ')': the fields
  // resume after the last ')'. Counting from field 3 (state): pgrp is the 3rd, starttime the 20th.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '?', pgid: Number(fields[2]), startTime: fields[19] ?? '' };
}
