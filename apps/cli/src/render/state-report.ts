/**
 * Text shared by `nova run`'s final summary and `nova status`: failures with the first line of
 * their reason and their log, blocked tasks with the failed tasks that block them. Every figure
 * comes from @program-nova/state's derivations (the dashboard uses the same ones).
 */

import {
  formatCost,
  formatDuration,
  formatTokens,
  reasonLine,
  totalTokens,
} from '@program-nova/core';
import {
  blockedBy,
  type CascadeState,
  elapsedSeconds,
  type Rollup,
  type StatusSummary,
} from '@program-nova/state';
import type { Colors } from '../core/colors.js';
import { terminalText } from '../core/terminal-text.js';

export interface FailedTask {
  id: string;
  name: string;
  reason: string;
  kind: string | null;
  exitCode: number | null;
  attempts: number;
  logPath: string | null;
}

export interface BlockedTask {
  id: string;
  name: string;
  blockedBy: string[];
}

export interface RunningTask {
  id: string;
  name: string;
  startedAt: string | null;
  elapsedSeconds: number | null;
  tokens: number;
  step: string | null;
  pid: number | null;
  logPath: string | null;
}

const nameOf = (state: CascadeState, id: string) => state.graph.tasks[id]?.name ?? '';

export function failedTasks(state: CascadeState): FailedTask[] {
  return Object.entries(state.tasks)
    .filter(([, t]) => t.status === 'failed')
    .map(([id, t]) => ({
      id,
      name: nameOf(state, id),
      reason: reasonLine(id, t.error),
      kind: t.failure_kind,
      exitCode: t.exit_code,
      attempts: t.attempts,
      logPath: t.log_path,
    }));
}

export function blockedTasks(state: CascadeState): BlockedTask[] {
  const out: BlockedTask[] = [];
  for (const [id, t] of Object.entries(state.tasks)) {
    if (t.status !== 'pending') continue;
    const roots = blockedBy(state, id);
    if (roots.length > 0) out.push({ id, name: nameOf(state, id), blockedBy: roots });
  }
  return out;
}

export function runningTasks(state: CascadeState, now = new Date()): RunningTask[] {
  return Object.entries(state.tasks)
    .filter(([, t]) => t.status === 'in_progress')
    .map(([id, t]) => ({
      id,
      name: nameOf(state, id),
      startedAt: t.started_at,
      elapsedSeconds: elapsedSeconds(t, now),
      tokens: totalTokens(t.token_usage),
      step: t.current_step,
      pid: t.pid,
      logPath: t.log_path,
    }));
}

export function countsLine(s: StatusSummary, c: Colors): string {
  const parts = [
    `${s.completed}/${s.totalTasks} completed`,
    `${s.inProgress} running`,
    s.failed ? c.red(`${s.failed} failed`) : '0 failed',
    s.blocked ? c.yellow(`${s.blocked} blocked`) : '0 blocked',
    `${s.pending} pending`,
  ];
  return parts.join(', ');
}

export function usageLine(r: Rollup): string {
  const t = r.tokens;
  const total = totalTokens(t);
  const unknown =
    r.costUnknownTasks > 0
      ? ` (+ ${r.costUnknownTasks} ${r.costUnknownTasks === 1 ? 'task' : 'tasks'} of unknown price)`
      : '';
  return `${formatTokens(total)} tokens (input ${formatTokens(t.input_tokens)}, output ${formatTokens(t.output_tokens)}, cache read ${formatTokens(t.cache_read_tokens)}, cache write ${formatTokens(t.cache_creation_tokens)}), cost ${formatCost(r.costUsd)}${unknown}`;
}

// The lines below are for the terminal: the plain objects above (also `nova status --json`) keep
// the state's text exact, and every string of it is made safe here, where it is printed.

export function failureLines(state: CascadeState, c: Colors): string[] {
  const failed = failedTasks(state);
  if (failed.length === 0) return [];
  const lines = [c.bold(c.red(`Failed (${failed.length})`))];
  for (const f of failed) {
    const reason = terminalText(f.reason || f.kind || 'failed');
    lines.push(`  ${c.red(terminalText(f.id))}  ${terminalText(f.name)}: ${reason}`);
    if (f.logPath) lines.push(`      log: ${terminalText(f.logPath)}`);
  }
  return lines;
}

export function blockedLines(state: CascadeState, c: Colors): string[] {
  const blocked = blockedTasks(state);
  if (blocked.length === 0) return [];
  const lines = [c.bold(c.yellow(`Blocked (${blocked.length})`))];
  for (const b of blocked) {
    lines.push(
      `  ${c.yellow(terminalText(b.id))}  ${terminalText(b.name)}: blocked by failed ${terminalText(b.blockedBy.join(', '))}`,
    );
  }
  return lines;
}

export function runningLines(state: CascadeState, c: Colors, now = new Date()): string[] {
  const running = runningTasks(state, now);
  if (running.length === 0) return [];
  const lines = [c.bold(c.cyan(`Running (${running.length})`))];
  for (const r of running) {
    const elapsed = r.elapsedSeconds === null ? '' : formatDuration(r.elapsedSeconds * 1000);
    const step = r.step ? `  ${c.dim(terminalText(r.step))}` : '';
    lines.push(
      `  ${c.cyan(terminalText(r.id))}  ${terminalText(r.name)}  ${elapsed}  ${formatTokens(r.tokens)} tokens${step}`,
    );
  }
  return lines;
}
