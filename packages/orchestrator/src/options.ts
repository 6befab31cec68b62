/**
 * The orchestrator's options, their checks and defaults. Every mistake a caller can make with them
 * is an INVALID_OPTIONS error thrown by the constructor, before anything is opened or started.
 */

import { resolve } from 'node:path';
import { splitCommand } from '@program-nova/core';
import { findExecutable } from '@program-nova/core/node';
import type { Cascade } from '@program-nova/parser';
import type { PricingTable } from '@program-nova/state';
import { DEFAULT_COMMAND, type WorkerHost } from '@program-nova/worker';
import { OrchestratorError } from './errors.js';
import type { Executor } from './executor.js';
import { LocalExecutor } from './local-executor.js';
import type { WorktreeSetup } from './workspace-execution.js';

export interface OrchestratorOptions {
  /** Path of CASCADE.md. Read and parsed (synchronously) by the constructor unless `cascade` is given. */
  cascadeFile?: string;
  /** An already parsed plan (then `cascadeFile` is only recorded in the state). */
  cascade?: Cascade;
  /** Default `cascade_state.json` in the current directory. */
  stateFile?: string;
  /** Default 3. */
  maxWorkers?: number;
  /** argv template of the worker (array, or a string split without a shell); default: Claude Code. */
  workerCommand?: string | readonly string[];
  /** stdin template of the worker; default '{prompt}'; null closes stdin at once. */
  workerStdin?: string | null;
  /** Default `logs/` beside the state file. */
  logsDir?: string;
  /** Extra attempts after a failed one (a task's `Retries` column wins). Default 0. */
  retries?: number;
  /** Wall-clock limit per attempt in ms (a task's `Timeout` column wins). Default none. */
  timeout?: number;
  /** Start nothing new once a task has failed for good; running tasks finish. Default false. */
  failFast?: boolean;
  /** Budget in USD: start nothing new once this much is spent. Default none. */
  maxCost?: number;
  /** Path of milestones.yaml (an explicit path that does not exist is an error). */
  milestonesFile?: string;
  /** Runs the tasks; default a LocalExecutor built from the worker options here. */
  executor?: Executor;
  /**
   * For the default LocalExecutor: start workers from this host process (see @program-nova/worker's
   * createWorkerHost) instead of from this process. The caller owns it and closes it.
   */
  workerHost?: WorkerHost;
  /** Model for tasks without a `Model` column (default: the executor's). */
  model?: string;
  /** Working directory of local workers. */
  cwd?: string;
  /** Base environment of local workers. */
  env?: NodeJS.ProcessEnv;
  /** Local workers: fail an attempt that prints nothing for this long (ms). */
  inactivityTimeout?: number;
  /** Local workers: log byte cap per attempt. */
  maxLogBytes?: number;
  /** Local workers: grace between SIGTERM and SIGKILL (ms). */
  killGraceMs?: number;
  /** First retry delay (ms); doubles per failure, with jitter. Default 2000. */
  retryDelayMs?: number;
  /** Cap of the retry delay (ms). Default 300000. */
  maxRetryDelayMs?: number;
  /** Pause after a usage limit whose reset time is unknown (ms). Default 300000. */
  usageLimitPauseMs?: number;
  /** Prices used to turn tokens into dollars when the agent reports no cost. */
  pricing?: PricingTable;
  /**
   * Start order among ready tasks: 'critical-path' (default: longest remaining chain first, file
   * order on ties) or 'file' (plain file order; for comparisons).
   */
  order?: 'critical-path' | 'file';
  /**
   * Run this plan against a state written for a plan of another project name (default false: such
   * a state is refused with PLAN_MISMATCH, since it most likely belongs to another run).
   */
  replan?: boolean;
  /**
   * Completed tasks whose plan entry (description, name, dependencies...) changed since they ran
   * are run again, with everything that depends on them (default false: they are only reported).
   */
  rerunChanged?: boolean;
  /**
   * Worktree mode (for the default LocalExecutor): each task runs in its own git worktree from
   * its dependencies' merged work (see @program-nova/workspace). `base` is the commit tasks without
   * dependencies start from: recorded in the state by the first run, kept by later ones.
   */
  worktrees?: WorktreeSetup & { repo: string; base: string; baseBranch: string | null };
  /**
   * A command (argv template, or a string split without a shell) that checks a task's work after
   * its agent exits 0; a task's `Verify` column wins. Non-zero: the attempt fails `verify_failed`.
   */
  verify?: string | readonly string[];
}

export interface RunOptions {
  /** Period of progress records and snapshots (ms). Default 1000. Never delays a start. */
  checkInterval?: number;
  /** Stop (like `stop()`) after this many periodic ticks. Default: no limit. */
  maxIterations?: number;
}

export interface StopOptions {
  /** Kill worker groups at once instead of SIGTERM + grace. */
  force?: boolean;
  /** Recorded on interrupted tasks. Default 'stopped by the orchestrator'. */
  reason?: string;
}

/** The options a run reads, with defaults applied. */
export interface Settings {
  maxWorkers: number;
  retries: number;
  timeout: number | undefined;
  failFast: boolean;
  maxCost: number | undefined;
  model: string | undefined;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  usageLimitPauseMs: number;
  pricing: PricingTable | undefined;
  order: 'critical-path' | 'file';
  milestonesFile: string | undefined;
  replan: boolean;
  rerunChanged: boolean;
  verify: readonly string[] | undefined;
  /** Worktree mode: what the first run records as the state's workspace. */
  worktrees:
    | { repo: string; base: string; baseBranch: string | null; branchPrefix: string }
    | undefined;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new OrchestratorError(
      'INVALID_OPTIONS',
      `${name} must be an integer >= ${min} (got ${v})`,
    );
  }
}

export function checkPositive(name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new OrchestratorError('INVALID_OPTIONS', `${name} must be a positive number (got ${v})`);
  }
}

function checkNonNegative(name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new OrchestratorError('INVALID_OPTIONS', `${name} must be a number >= 0 (got ${v})`);
  }
}

/** Checks every option and fills in the defaults. */
export function resolveSettings(o: OrchestratorOptions): Settings {
  const maxWorkers = o.maxWorkers ?? 3;
  checkInt('maxWorkers', maxWorkers, 1);
  if (o.retries !== undefined) checkInt('retries', o.retries, 0);
  if (o.timeout !== undefined) checkPositive('timeout', o.timeout);
  if (o.maxCost !== undefined) checkNonNegative('maxCost', o.maxCost);
  for (const k of ['retryDelayMs', 'maxRetryDelayMs', 'usageLimitPauseMs'] as const) {
    if (o[k] !== undefined) checkNonNegative(k, o[k]);
  }
  if (o.order !== undefined && o.order !== 'critical-path' && o.order !== 'file') {
    throw new OrchestratorError(
      'INVALID_OPTIONS',
      `order must be 'critical-path' or 'file' (got ${String(o.order)})`,
    );
  }
  if (o.cascade === undefined && o.cascadeFile === undefined) {
    throw new OrchestratorError('INVALID_OPTIONS', 'give cascadeFile (or a parsed cascade)');
  }
  return {
    maxWorkers,
    retries: o.retries ?? 0,
    timeout: o.timeout,
    failFast: o.failFast === true,
    maxCost: o.maxCost,
    model: o.model,
    retryDelayMs: o.retryDelayMs ?? 2000,
    maxRetryDelayMs: o.maxRetryDelayMs ?? 300_000,
    usageLimitPauseMs: o.usageLimitPauseMs ?? 300_000,
    pricing: o.pricing,
    order: o.order ?? 'critical-path',
    milestonesFile: o.milestonesFile,
    replan: o.replan === true,
    rerunChanged: o.rerunChanged === true,
    verify: argvOption('verify', o.verify),
    worktrees: o.worktrees && {
      repo: o.worktrees.repo,
      base: o.worktrees.base,
      baseBranch: o.worktrees.baseBranch,
      branchPrefix: `nova/${o.worktrees.workspaces.projectSlug}`,
    },
  };
}

/** A command option given as argv or as one string split without a shell. */
function argvOption(
  name: string,
  value: string | readonly string[] | undefined,
): readonly string[] | undefined {
  if (value === undefined) return undefined;
  let argv: readonly string[];
  try {
    argv = typeof value === 'string' ? splitCommand(value) : value;
  } catch (e) {
    throw new OrchestratorError('INVALID_OPTIONS', `${name}: ${message(e)}`);
  }
  if (argv.length === 0 || argv[0] === '') {
    throw new OrchestratorError('INVALID_OPTIONS', `${name} is empty`);
  }
  return argv;
}

/** The executor the options ask for: theirs, or local processes built from the worker options. */
export function executorFor(o: OrchestratorOptions, logsDir: string): Executor {
  const command = argvOption('workerCommand', o.workerCommand);
  if (o.executor) return o.executor;
  return new LocalExecutor({
    logsDir,
    command,
    stdin: o.workerStdin,
    cwd: o.cwd,
    env: o.env,
    model: o.model,
    inactivityTimeoutMs: o.inactivityTimeout,
    maxLogBytes: o.maxLogBytes,
    killGraceMs: o.killGraceMs,
    host: o.workerHost,
    ...(o.worktrees ? { worktrees: o.worktrees } : {}),
  });
}

/** What `run()` checks before it opens the state: the program the default executor would start. */
export interface AgentCheck {
  program: string;
  /** Whether the program is the default (Claude Code), for a hint on installing it. */
  isDefault: boolean;
  env: NodeJS.ProcessEnv | undefined;
  cwd: string | undefined;
}

/**
 * The agent program to look for, or null when there is nothing to check: a caller's executor
 * runs tasks its own way, and a program named by a placeholder is known only per task.
 */
export function agentCheckFor(o: OrchestratorOptions): AgentCheck | null {
  if (o.executor) return null;
  const command = argvOption('workerCommand', o.workerCommand);
  const program = (command ?? DEFAULT_COMMAND)[0]!;
  if (program.includes('{')) return null;
  return { program, isDefault: command === undefined, env: o.env, cwd: o.cwd };
}

/**
 * Throws AGENT_NOT_FOUND when the agent program cannot be started. The environment and folder
 * are read now, as the worker reads them at each start (its defaults: this process's).
 */
export function checkAgentFound(check: AgentCheck | null): void {
  if (check === null) return;
  const path = (check.env ?? process.env).PATH;
  const cwd = check.cwd ?? process.cwd();
  if (findExecutable(check.program, path, cwd) !== null) return;
  const { program } = check;
  const where = program.includes('/')
    ? `${resolve(cwd, program)} is not an executable file`
    : `it is not on PATH (searched: ${path ? path : 'PATH is empty'})`;
  const hint = check.isDefault
    ? 'install Claude Code (npm install -g @anthropic-ai/claude-code) or set workerCommand'
    : 'install it, or give workerCommand its full path';
  throw new OrchestratorError(
    'AGENT_NOT_FOUND',
    `the agent command '${program}' was not found: ${where}; ${hint}`,
  );
}
