/**
 * The body of `nova run` (and of `nova demo`): checks, opens the state (taking the lease), serves
 * the dashboard if asked, runs the orchestrator with a live or plain view, prints the summary and
 * resolves to the exit code (0 all done, 1 failed/blocked/stopped early, 130 interrupted).
 */
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { formatCost, formatDuration } from '@program-nova/core';
import { ensureDirectory } from '@program-nova/core/node';
import { BullmqExecutor, queueNameOf } from '@program-nova/executor-bullmq';
import { type Notifier, NotifyError, type NotifyWarning } from '@program-nova/notify';
import {
  type Executor,
  Orchestrator,
  type RunResult,
  type WarningEvent,
} from '@program-nova/orchestrator';
import { parseCascadeFile } from '@program-nova/parser';
import { rollup } from '@program-nova/state';
import { createWorkerHost, type WorkerHost } from '@program-nova/worker';
import { showRemote } from '@program-nova/workspace';
import { CliError, EXIT } from '../core/cli-error.js';
import type { CommandContext } from '../core/command.js';
import { terminalText } from '../core/terminal-text.js';

import { diagnosticLines } from '../render/diagnostic-lines.js';
import { blockedLines, countsLine, failureLines, usageLine } from '../render/state-report.js';
import { keepHeapTight } from './heap.js';
import { openRunDashboard, type RunDashboard } from './run-dashboard.js';
import { flushNotifier, notifierLine, openRunNotifier } from './run-notify.js';
import { checkWorkerCommand, type RunSettings } from './settings.js';
import { createRunView, type RunView } from './view/index.js';
import {
  chooseWorkspace,
  resultLines,
  type WorkspaceChoice,
  workLines,
  workspaceNotes,
} from './workspace-mode.js';

export interface RunPlanOptions {
  /** Working directory of the workers (default: nova's). */
  workerCwd?: string;
  /** Environment of the workers (default: nova's). */
  workerEnv?: NodeJS.ProcessEnv;
  /** After the run, keep the dashboard up: until Ctrl-C on a terminal, else for a grace (default true). */
  keepServing?: boolean;
  /** Lines printed once the dashboard is up (e.g. the demo's explanation). */
  intro?: string[];
}

export async function runPlan(
  ctx: CommandContext,
  settings: RunSettings,
  options: RunPlanOptions = {},
): Promise<number> {
  // Workers are spawned from lean host processes (fork costs grow with the forking process's
  // memory), two where there are cores for them: each spawns on its own core while this process
  // schedules. Started first so that they boot while the plan is parsed.
  const workerHost = createWorkerHost({
    env: options.workerEnv ?? ctx.env,
    processes: Math.min(2, availableParallelism(), settings.maxWorkers),
  });
  keepHeapTight();
  try {
    return await runPlanWith(ctx, settings, options, workerHost);
  } finally {
    await workerHost.close();
  }
}

async function runPlanWith(
  ctx: CommandContext,
  settings: RunSettings,
  options: RunPlanOptions,
  workerHost: WorkerHost,
): Promise<number> {
  // Parsed here, not in a thread: workers are forked by the host process, so this heap's size no
  // longer costs anything per spawn, and a thread's second heap and module graph weighed more at
  // the peak than the parse's garbage does under the heap limits set above.
  const cascade = await parseCascadeFile(settings.planFile);
  if (cascade.warnings.length > 0) {
    ctx.stderr.write(`${diagnosticLines([], cascade.warnings, ctx.colors.stderr).join('\n')}\n`);
  }
  const workerCwd = options.workerCwd ?? ctx.cwd;
  const workerEnv = options.workerEnv ?? ctx.env;
  const logsDir = settings.logsDir ?? join(dirname(settings.stateFile), 'logs');
  // With --executor bullmq the agents' command is each `nova worker`'s, checked there.
  const queued = settings.executor === 'bullmq' && settings.redis !== undefined;
  if (!queued) checkWorkerCommand(settings, workerEnv, workerCwd);
  const workspace = await chooseWorkspace(
    settings.workspace,
    workerCwd,
    workerEnv,
    settings.stateFile,
    logsDir,
    cascade.projectName,
  );
  const remote = queued
    ? await BullmqExecutor.open({
        redis: settings.redis!,
        queue: queueNameOf(cascade.projectName),
        logsDir,
        ...(workspace.worktrees && settings.repo !== undefined
          ? {
              worktrees: {
                repo: settings.repo,
                workspaces: workspace.worktrees.workspaces,
                subdir: workspace.worktrees.subdir,
              },
            }
          : {}),
      })
    : null;
  try {
    return await runWith(ctx, settings, options, workerHost, cascade, workspace, remote);
  } finally {
    await remote?.close();
  }
}

async function runWith(
  ctx: CommandContext,
  settings: RunSettings,
  options: RunPlanOptions,
  workerHost: WorkerHost,
  cascade: Awaited<ReturnType<typeof parseCascadeFile>>,
  workspace: WorkspaceChoice,
  remote: BullmqExecutor | null,
): Promise<number> {
  const c = ctx.colors.stdout;
  const project = terminalText(cascade.projectName);
  const workerCwd = options.workerCwd ?? ctx.cwd;
  const workerEnv = options.workerEnv ?? ctx.env;

  const orchestrator = new Orchestrator({
    cascade,
    cascadeFile: resolve(ctx.cwd, settings.planFile),
    stateFile: settings.stateFile,
    maxWorkers: settings.maxWorkers,
    ...(settings.logsDir !== undefined ? { logsDir: settings.logsDir } : {}),
    ...(settings.workerCommand !== null ? { workerCommand: settings.workerCommand } : {}),
    ...(settings.retries !== undefined ? { retries: settings.retries } : {}),
    ...(settings.timeoutMs !== undefined ? { timeout: settings.timeoutMs } : {}),
    ...(settings.usageLimitPauseMs !== undefined
      ? { usageLimitPauseMs: settings.usageLimitPauseMs }
      : {}),
    ...(settings.maxCost !== undefined ? { maxCost: settings.maxCost } : {}),
    ...(settings.milestonesFile !== undefined ? { milestonesFile: settings.milestonesFile } : {}),
    ...(settings.maxLogBytes !== undefined ? { maxLogBytes: settings.maxLogBytes } : {}),
    failFast: settings.failFast,
    replan: settings.replan,
    rerunChanged: settings.rerunChanged,
    ...(settings.verify ? { verify: settings.verify } : {}),
    ...(workspace.worktrees ? { worktrees: workspace.worktrees } : {}),
    cwd: workerCwd,
    env: workerEnv,
    workerHost,
    ...(remote ? { executor: remote as Executor } : {}),
  });
  // The notifier's warnings go where the run's own go: straight to stderr until the view exists,
  // then through it (a live view redraws below them), and straight again once it stopped.
  const sayDirect = (w: NotifyWarning) =>
    ctx.stderr.write(
      `nova: ${ctx.colors.stderr.yellow('warning')}: ${terminalText(`${w.code}: ${w.message}`)}\n`,
    );
  let sayNotify = sayDirect;
  let notifier: Notifier | null;
  try {
    // Subscribed before init(): warnings of the start-up are events too.
    notifier = openRunNotifier(
      orchestrator,
      settings.notify,
      { project: cascade.projectName, state: orchestrator.stateFile },
      { cwd: ctx.cwd, env: ctx.env, onWarning: (w) => sayNotify(w) },
    );
  } catch (error) {
    if (error instanceof NotifyError) {
      throw new CliError('E_INVALID_INPUT', error.message, { cause: error });
    }
    throw error;
  }
  // Ctrl-C from here on stops the run cleanly (a second one kills at once).
  const disposeSignals = orchestrator.handleSignals();
  let server: RunDashboard | null = null;
  let view: RunView | null = null;
  const started = Date.now();
  let result: RunResult;
  // Warnings of the start-up (a changed plan, reaped tasks, a torn journal) come before the view
  // exists: said here, as the view says later ones, even when the start-up then fails.
  const sayEarly = (w: WarningEvent) =>
    ctx.stderr.write(`nova: ${ctx.colors.stderr.yellow('warning')}: ${terminalText(w.message)}\n`);
  orchestrator.on('warning', sayEarly);
  try {
    // Opens the state and takes the lease: STATE_LOCKED surfaces here, before anything starts.
    try {
      await orchestrator.init();
    } finally {
      orchestrator.off('warning', sayEarly);
    }
    // An unusable logs folder is a wrong argument, so say it once (exit 2) instead of failing
    // every task with it.
    try {
      ensureDirectory(orchestrator.logsDir);
    } catch (error) {
      throw new CliError(
        'E_INVALID_INPUT',
        `cannot create the logs folder ${orchestrator.logsDir}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (settings.dashboard) {
      server = await openRunDashboard(ctx, settings, {
        stateFile: orchestrator.stateFile,
        logsDir: orchestrator.logsDir,
      });
    }
    view = await createRunView(orchestrator, ctx.stdout, ctx.stderr, c, ctx.colors.stderr);
    const shown = view;
    sayNotify = (w) => shown.warning(`${w.code}: ${w.message}`);
    for (const line of options.intro ?? []) view.note(line);
    view.note(
      `${c.bold(project)}: ${cascade.tasks.length} tasks, ${settings.maxWorkers} workers, state ${terminalText(orchestrator.stateFile)}`,
    );
    if (notifier) view.note(notifierLine(notifier));
    if (remote) {
      const repo = settings.repo !== undefined ? ` --repo ${showRemote(settings.repo)}` : '';
      view.note(
        `Executor: BullMQ queue ${c.bold(remote.queueName)} on ${terminalText(remote.redisDisplay)}; start workers with \`nova worker --redis <url>${terminalText(repo)}\` in this folder`,
      );
    }
    const { notes, warnings } = workspaceNotes(workspace, orchestrator.state, c, settings.repo);
    for (const line of notes) view.note(line);
    for (const w of warnings) {
      ctx.stderr.write(`nova: ${ctx.colors.stderr.yellow('warning')}: ${w}\n`);
    }
    if (server) view.note(`Dashboard: ${c.cyan(server.url)}`);
    result = await orchestrator.run();
  } catch (error) {
    view?.stop();
    sayNotify = sayDirect;
    await server?.close();
    await orchestrator.close().catch(() => {});
    disposeSignals();
    await flushNotifier(notifier);
    throw error;
  }
  view.stop();
  sayNotify = sayDirect;
  disposeSignals();

  const state = orchestrator.state;
  const r = rollup(state);
  const lines = ['', headline(result, project, c), `  ${countsLine(r.counts, c)}`];
  lines.push(`  ${usageLine(r)}`, `  wall time ${formatDuration(Date.now() - started)}`);
  const failures = failureLines(state, c);
  const blocked = blockedLines(state, c);
  if (failures.length || blocked.length) lines.push('', ...failures, ...blocked);
  const work = workLines(state, c);
  if (work.length) lines.push('', ...work);
  const merged = resultLines(result, c);
  if (merged.length) lines.push('', ...merged);
  const next = nextStep(result, state.tasks);
  if (next) lines.push('', next);
  ctx.stdout.write(`${lines.join('\n')}\n`);

  if (result.error) {
    // The run stopped for a problem outside its tasks (the logs folder): one line, exit 2.
    ctx.stderr.write(`nova: ${ctx.colors.stderr.red('error')}: ${result.error.message}\n`);
  }
  const code =
    result.outcome === 'interrupted'
      ? EXIT.interrupted
      : result.outcome === 'completed'
        ? EXIT.ok
        : result.outcome === 'aborted'
          ? EXIT.invalid
          : EXIT.tasksFailed;
  // Every task completed, but their work could not be merged into one result branch.
  const exitCode = code === EXIT.ok && result.resultError ? EXIT.tasksFailed : code;
  // Queued hooks and webhooks get a bounded wait; what they do never changes the exit code.
  await flushNotifier(notifier);
  await server?.finish(exitCode, options.keepServing ?? true);
  return exitCode;
}

function headline(
  result: RunResult,
  project: string,
  c: CommandContext['colors']['stdout'],
): string {
  const s = result.summary;
  switch (result.outcome) {
    case 'completed':
      return `${c.green(c.bold('Done'))}: ${project}: all ${s.totalTasks} tasks completed`;
    case 'interrupted':
      return `${c.yellow(c.bold('Interrupted'))}: ${project}: stopped; running tasks went back to pending`;
    case 'fail_fast':
      return `${c.red(c.bold('Stopped'))}: ${project}: a task failed and --fail-fast is on`;
    case 'budget_exhausted':
      return `${c.red(c.bold('Stopped'))}: ${project}: the cost budget is spent (${formatCost(result.costUsd)})`;
    case 'max_iterations':
      return `${c.yellow(c.bold('Stopped'))}: ${project}: iteration limit reached`;
    case 'aborted':
      return `${c.red(c.bold('Stopped'))}: ${project}: a problem outside the tasks; tasks not run stay pending`;
    default:
      return `${c.red(c.bold('Failed'))}: ${project}: ${s.failed} failed, ${s.blocked} blocked`;
  }
}

function nextStep(result: RunResult, tasks: Record<string, { status: string }>): string | null {
  if (result.outcome === 'completed') return null;
  if (result.outcome === 'interrupted') return 'Run `nova run` again to resume.';
  if (result.outcome === 'aborted')
    return 'Fix the problem above, then `nova run` again to resume.';
  if (result.outcome === 'budget_exhausted') {
    return 'The budget counts every run of this state: raise --max-cost to continue.';
  }
  const anyFailed = Object.values(tasks).some((t) => t.status === 'failed');
  return anyFailed
    ? 'After fixing the cause: `nova retry --failed`, then `nova run` to finish the rest.'
    : 'Run `nova run` again to continue.';
}
