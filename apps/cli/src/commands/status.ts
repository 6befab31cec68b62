import {
  formatCost,
  formatDuration,
  formatPause,
  formatPercent,
  formatTokens,
  type RunOutcome,
  totalTokens,
} from '@program-nova/core';
import {
  type CascadeState,
  pauseOf,
  type RunPause,
  rollup,
  type StatusSummary,
} from '@program-nova/state';
import { recordedWriterLiveness } from '@program-nova/state/store';
import { EXIT } from '../core/cli-error.js';
import type { Colors } from '../core/colors.js';
import type { Command } from '../core/command.js';
import { progressBar } from '../core/format.js';
import { loadState, STATE_OPTION, stateFileOf } from '../core/state-paths.js';
import { terminalText } from '../core/terminal-text.js';
import {
  blockedLines,
  blockedTasks,
  countsLine,
  failedTasks,
  failureLines,
  runningLines,
  runningTasks,
  usageLine,
} from '../render/state-report.js';
import { workLines } from '../run/workspace-mode.js';

export const statusCommand: Command = {
  name: 'status',
  summary: 'show progress from the state file (works during and after a run)',
  usage: ['nova status [--state file] [--json]'],
  details: [
    'Reads the state snapshot only (no lock, nothing written), so it works while a run is going.',
    'Prints the summary, a rollup per branch and group, running tasks, failures with their log,',
    'blocked tasks with the failed tasks that block them, and milestones reached; also how the',
    'last run ended, the latest plan change, tasks removed from the plan (their spend is in the',
    'totals), completed tasks whose plan entry changed since they ran, logs that could not be',
    'written whole, and the latest warnings.',
    'While a usage limit pauses new starts it says so: "Paused until 14:05 (in 12m): usage limit',
    'reported by API-03".',
    '--json prints { stateFile, project, runActive, paused, summary, rollup, running, failed, blocked,\nmilestones, removed, changedSinceRun, planChanges, warnings, workspace, work, runners } (runActive: whether the\nrecorded run is alive; null when none is recorded; paused: { until, reason, task } while new starts are paused,\nelse null; runners: the `nova worker` (host, pid) that ran the latest attempt of each task, with --executor bullmq).',
    'Exit: 0 when the state could be read, 2 when it is missing or unreadable.',
  ].join('\n'),
  examples: ['nova status', 'nova status --state runs/today.json --json | jq .summary'],
  options: {
    ...STATE_OPTION,
    json: { type: 'boolean', description: 'print the status as JSON' },
  },
  async run(ctx) {
    const state = await loadState(ctx);
    const now = new Date();
    if (ctx.values.json) {
      const r = rollup(state, { now });
      const active = runActive(state);
      const doc = {
        stateFile: stateFileOf(ctx),
        project: state.project,
        runActive: active,
        paused: pausedNow(state, active, now),
        summary: r.counts,
        rollup: r,
        running: runningTasks(state, now),
        failed: failedTasks(state),
        blocked: blockedTasks(state),
        milestones: state.milestones,
        removed: removedTasks(state),
        changedSinceRun: changedSinceRun(state),
        planChanges: state.plan_changes,
        warnings: state.warnings,
        workspace: state.project.workspace ?? null,
        work: Object.entries(state.tasks)
          .filter(([, t]) => t.git)
          .map(([id, t]) => ({ id, ...t.git! })),
        runners: Object.entries(state.tasks)
          .filter(([, t]) => t.runner)
          .map(([id, t]) => ({ id, host: t.runner!.host, pid: t.runner!.pid })),
      };
      ctx.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      return EXIT.ok;
    }
    // Loaded here, not at start: measuring columns sets up ICU's grapheme segmenter (tens of ms).
    const columns = await import('../core/terminal-columns.js');
    const text = statusText(state, stateFileOf(ctx), ctx.colors.stdout, now, columns);
    ctx.stdout.write(`${text.join('\n')}\n`);
    return EXIT.ok;
  },
};

/** The status page: every string read from the state file is made safe for the terminal here. */
function statusText(
  state: CascadeState,
  file: string,
  c: Colors,
  now: Date,
  { columnWidth, padColumns }: typeof import('../core/terminal-columns.js'),
): string[] {
  const r = rollup(state, { now });
  const s = r.counts;
  const lines: string[] = [];
  lines.push(
    `${c.bold(terminalText(state.project.name))} ${progressBar(s.completed, s.totalTasks, 24)} ${formatPercent(s.completed, s.totalTasks)}`,
  );
  lines.push(`  ${countsLine(s, c)}`);
  lines.push(`  ${usageLine(r)}`);
  const when: string[] = [];
  if (state.project.started_at) when.push(`started ${state.project.started_at}`);
  if (state.project.completed_at) when.push(`completed ${state.project.completed_at}`);
  else if (state.project.updated_at) when.push(`updated ${state.project.updated_at}`);
  if (r.wallSeconds !== null) when.push(`wall ${formatDuration(r.wallSeconds * 1000)}`);
  if (when.length) lines.push(`  ${terminalText(when.join(', '))}`);
  lines.push(`  ${c.dim(`state: ${terminalText(file)}`)}`);
  const active = runActive(state);
  if (active === true) {
    lines.push(`  ${c.cyan(`a run is in progress (pid ${state.project.orchestrator_pid})`)}`);
  } else if (active === false) {
    lines.push(
      `  ${c.yellow(`the run that wrote this state (pid ${state.project.orchestrator_pid}) is gone; \`nova run\` resumes it`)}`,
    );
  } else if (state.project.outcome && state.project.ended_at) {
    lines.push(
      `  last run ended ${terminalText(state.project.ended_at)}: ${OUTCOME_WORDS[state.project.outcome]}`,
    );
  }
  const paused = pausedNow(state, active, now);
  if (paused) lines.push(`  ${c.yellow(terminalText(formatPause(paused, now.getTime())))}`);
  const change = state.plan_changes.at(-1);
  if (change) lines.push(`  ${c.yellow(planChangeLine(change))}`);

  lines.push('', c.bold('Branches'));
  const label = (rc: { status: string; counts: StatusSummary; costUsd: number }) => {
    const n = rc.counts;
    const extra = [
      n.inProgress ? c.cyan(`${n.inProgress} running`) : '',
      n.failed ? c.red(`${n.failed} failed`) : '',
      n.blocked ? c.yellow(`${n.blocked} blocked`) : '',
    ]
      .filter(Boolean)
      .join(', ');
    return `${progressBar(n.completed, n.totalTasks, 10)} ${`${n.completed}/${n.totalTasks}`.padStart(7)}  ${formatCost(rc.costUsd).padStart(9)}${extra ? `  ${extra}` : ''}`;
  };
  // Names aligned by terminal columns: a wide character takes two.
  const names = r.branches.map((b) => ({
    branch: terminalText(b.branch),
    groups: b.groups.map((g) => terminalText(g.group)),
  }));
  const width = Math.max(
    10,
    ...names.flatMap((b) => [columnWidth(b.branch), ...b.groups.map((g) => columnWidth(g) + 2)]),
  );
  r.branches.forEach((b, i) => {
    const name = names[i]!;
    lines.push(`  ${padColumns(name.branch, width)}  ${label(b)}`);
    b.groups.forEach((g, j) => {
      lines.push(`    ${padColumns(name.groups[j]!, width - 2)}  ${label(g)}`);
    });
  });

  for (const section of [
    runningLines(state, c, now),
    failureLines(state, c),
    blockedLines(state, c),
    workLines(state, c, Number.POSITIVE_INFINITY),
    resultBranchLines(state, c),
    changedLines(state, c),
    removedLines(state, c),
    incompleteLogLines(state, c),
    warningLines(state, c),
  ]) {
    if (section.length) lines.push('', ...section);
  }
  if (state.milestones.length) {
    lines.push('', c.bold(`Milestones (${state.milestones.length})`));
    for (const m of state.milestones) {
      const message = m.message ? `: ${terminalText(m.message)}` : '';
      lines.push(
        `  ${c.green(terminalText(m.name))}${message}  ${c.dim(terminalText(m.triggered_at))}`,
      );
    }
  }
  return lines;
}

const OUTCOME_WORDS: Record<RunOutcome, string> = {
  completed: 'every task completed',
  failed: 'tasks failed or are blocked',
  interrupted: 'interrupted (Ctrl-C or a signal); `nova run` resumes',
  fail_fast: 'stopped after a failure (--fail-fast)',
  budget_exhausted: 'stopped: the cost budget was spent',
  max_iterations: 'stopped at its iteration limit',
  aborted: 'stopped for a problem outside the tasks (see the warnings)',
};

/**
 * Whether the orchestrator recorded in the state is alive (pid, host and start time checked);
 * null when none is recorded. A run on another host counts as alive: it cannot be checked.
 */
function runActive(state: CascadeState): boolean | null {
  const liveness = recordedWriterLiveness(state);
  return liveness === null ? null : liveness !== 'dead';
}

/**
 * The pause that holds now, when a live run holds it (`active`: runActive, already checked by the
 * caller): a pause left in the state by a run that is gone holds nothing (the next run pauses
 * again if the limit still holds).
 */
function pausedNow(state: CascadeState, active: boolean | null, now: Date): RunPause | null {
  return active === false ? null : pauseOf(state, now);
}

function planChangeLine(change: CascadeState['plan_changes'][number]): string {
  const parts: string[] = [];
  if (change.renamed) {
    parts.push(`renamed "${change.renamed.from}" to "${change.renamed.to}"`);
  }
  if (change.added.length) parts.push(`added ${change.added.join(', ')}`);
  if (change.removed.length) parts.push(`removed ${change.removed.join(', ')} (records kept)`);
  if (change.changed.length) {
    parts.push(
      `changed ${change.changed.map((x) => `${x.id} (${x.fields.join(', ')})`).join(', ')}`,
    );
  }
  return terminalText(`the plan changed at ${change.at}: ${parts.join('; ')}`);
}

function removedTasks(state: CascadeState) {
  return Object.entries(state.removed_tasks).map(([id, t]) => ({
    id,
    name: t.graph.name,
    status: t.status,
    removedAt: t.removed_at,
    tokens: totalTokens(t.token_usage),
    costUsd: t.cost_usd,
  }));
}

function changedSinceRun(state: CascadeState) {
  return Object.entries(state.tasks)
    .filter(([, t]) => t.changed_since_run?.length)
    .map(([id, t]) => ({ id, fields: t.changed_since_run! }));
}

function changedLines(state: CascadeState, c: Colors): string[] {
  const changed = changedSinceRun(state);
  if (changed.length === 0) return [];
  return [
    c.bold(c.yellow(`Changed in the plan since they completed (${changed.length})`)),
    ...changed.map((x) => `  ${c.yellow(terminalText(x.id))}  ${x.fields.join(', ')}`),
    `  ${c.dim('`nova run --rerun-changed` runs them again, with their dependents')}`,
  ];
}

function removedLines(state: CascadeState, c: Colors): string[] {
  const removed = removedTasks(state);
  if (removed.length === 0) return [];
  return [
    c.bold(`Removed from the plan (${removed.length}), records kept; their spend is in the totals`),
    ...removed.map(
      (x) =>
        `  ${terminalText(x.id)}  ${terminalText(x.name)}: ${x.status}, ${formatTokens(x.tokens)} tokens, ${formatCost(x.costUsd)}`,
    ),
  ];
}

function incompleteLogLines(state: CascadeState, c: Colors): string[] {
  const cut = Object.entries(state.tasks).filter(([, t]) => t.log_incomplete);
  if (cut.length === 0) return [];
  return [
    c.bold(c.red(`Incomplete logs (${cut.length})`)),
    ...cut.map(([id, t]) => `  ${c.red(terminalText(id))}  ${terminalText(t.log_incomplete)}`),
  ];
}

function resultBranchLines(state: CascadeState, c: Colors): string[] {
  const result = state.project.workspace?.result;
  if (!result) return [];
  return [
    `${c.green('Result')}: every task's work is merged in ${c.bold(terminalText(result.branch))} (${terminalText(result.head.slice(0, 12))}); git merge ${terminalText(result.branch)} takes it`,
  ];
}

const WARNINGS_SHOWN = 5;

function warningLines(state: CascadeState, c: Colors): string[] {
  const warnings = state.warnings.slice(-WARNINGS_SHOWN);
  if (warnings.length === 0) return [];
  const more = state.warnings.length - warnings.length;
  return [
    c.bold(`Warnings (latest ${warnings.length}${more ? ` of ${state.warnings.length}` : ''})`),
    ...warnings.map((w) => `  ${c.dim(terminalText(w.at))}  ${terminalText(w.message)}`),
  ];
}
