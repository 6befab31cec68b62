import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readProcStat } from '@program-nova/core/node';
import type { NotifyEvent, NotifyWarning } from '../src/index.js';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

export function scratch(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'nova-notify-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const RUN = { project: 'todo-api', state: '/work/todo/cascade_state.json' };

export function event(type: string, fields: Record<string, unknown> = {}): NotifyEvent {
  return { type, at: '2026-12-06T20:00:00.000Z', run: RUN, ...fields };
}

export function warnings(): { list: NotifyWarning[]; push: (w: NotifyWarning) => void } {
  const list: NotifyWarning[] = [];
  return { list, push: (w) => list.push(w) };
}

/** The JSON lines of a file ([] when it does not exist). */
export function jsonLines(file: string): unknown[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (exited, not reaped yet) is not alive.
  return readProcStat(pid)?.state !== 'Z';
}

/** Polls until `check` holds (the test's own timeout bounds the wait). */
export async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}
