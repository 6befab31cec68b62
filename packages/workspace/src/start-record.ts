/**
 * What prepare handed out last, per task: the start point, and whether it holds commits Nova did
 * not make. It tells a retry's commits to throw away (an attempt's, made after the start point)
 * from commits to keep (a user's, e.g. a merge conflict resolved by hand). Kept in the worktrees
 * folder (`.nova/<id>.json`; no task id starts with '.'), so it lives exactly as long as the run's
 * worktrees: clean() removes both.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StartRecord {
  startPoint: string;
  userCommits: boolean;
}

export const RECORDS_FOLDER = '.nova';

const recordsDir = (worktreesDir: string): string => join(worktreesDir, RECORDS_FOLDER);

const recordFile = (worktreesDir: string, taskId: string): string =>
  join(recordsDir(worktreesDir), `${taskId}.json`);

export function readStartRecord(worktreesDir: string, taskId: string): StartRecord | null {
  try {
    const value = JSON.parse(readFileSync(recordFile(worktreesDir, taskId), 'utf8'));
    if (typeof value?.startPoint === 'string' && /^[0-9a-f]{40,64}$/.test(value.startPoint)) {
      return { startPoint: value.startPoint, userCommits: value.userCommits === true };
    }
  } catch {
    // no record (or an unreadable one): prepare then keeps every commit on the branch
  }
  return null;
}

export function writeStartRecord(worktreesDir: string, taskId: string, record: StartRecord): void {
  const file = recordFile(worktreesDir, taskId);
  mkdirSync(recordsDir(worktreesDir), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record)}\n`);
  renameSync(temporary, file);
}

export function removeStartRecord(worktreesDir: string, taskId: string): void {
  rmSync(recordFile(worktreesDir, taskId), { force: true });
}
