/**
 * Turns `nova run` flags + `nova.config.json` into the orchestrator's options. Flags win over the
 * config file; the config file wins over defaults. Every bad value is a one-line usage error.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { splitCommand } from '@program-nova/core';
import { findExecutable } from '@program-nova/core/node';
import { parseTimeout } from '@program-nova/parser';
import { DEFAULT_COMMAND } from '@program-nova/worker';
import { CliError } from '../core/cli-error.js';
import { type OptionSpec, type OptionValues, str } from '../core/command.js';
import type { NovaConfig } from '../core/config.js';
import { positiveDuration, wholeNumber } from '../core/option-values.js';
import { STATE_OPTION } from '../core/state-paths.js';
import {
  EXECUTORS,
  type ExecutorKind,
  executorSettings,
  WORKSPACE_MODES,
  type WorkspaceMode,
} from './executor-settings.js';
import { type NotifySettings, notifySettings } from './notify-settings.js';

export const AGENTS = ['claude', 'simulated'] as const;
export type Agent = (typeof AGENTS)[number];

export const DEFAULT_PORT = 4321;

export { EXECUTORS, type ExecutorKind };

export interface RunSettings {
  planFile: string;
  stateFile: string;
  logsDir: string | undefined;
  maxWorkers: number;
  agent: Agent;
  /** The argv template; null = the worker's default (Claude Code). */
  workerCommand: string[] | null;
  retries: number | undefined;
  timeoutMs: number | undefined;
  /** Pause of new starts after a usage limit that came without a reset time (undefined: 5 min). */
  usageLimitPauseMs?: number | undefined;
  failFast: boolean;
  maxCost: number | undefined;
  milestonesFile: string | undefined;
  dashboard: boolean;
  port: number;
  host: string;
  /** Run this plan on a state written for another project name. */
  replan: boolean;
  /** Run completed tasks whose plan entry changed again, with their dependents. */
  rerunChanged: boolean;
  /** Log byte cap per attempt (undefined: the worker's default). */
  maxLogBytes: number | undefined;
  /** 'worktree' or 'shared' as asked; undefined: worktree inside a git repository, else shared. */
  workspace: WorkspaceMode | undefined;
  /** The verify command (argv template), if any. */
  verify: string[] | undefined;
  /** Dashboard access token (else NOVA_DASHBOARD_TOKEN, else generated off loopback). */
  token?: string | undefined;
  /** More Host names the dashboard answers (reverse proxies). */
  allowHosts?: string[] | undefined;
  /** Hooks, webhooks, desktop notifications (none when absent). */
  notify?: NotifySettings | undefined;
  /** Where tasks run: local processes (default) or `nova worker`s through a BullMQ queue. */
  executor?: ExecutorKind;
  /** The Redis URL of the bullmq executor (flag, config, else NOVA_REDIS_URL). */
  redis?: string | undefined;
  /** The bullmq executor in worktree mode: the git remote every machine reaches. */
  repo?: string | undefined;
}

export { WORKSPACE_MODES, type WorkspaceMode };

/** The options `nova run` shares with `nova demo` (which fixes some of them). */
export const RUN_OPTIONS: Record<string, OptionSpec> = {
  ...STATE_OPTION,
  logs: {
    type: 'string',
    valueName: 'dir',
    description: 'task logs folder (default logs/ beside the state file)',
  },
  'max-workers': {
    type: 'string',
    short: 'j',
    valueName: 'n',
    description: 'tasks running at once (default 3)',
  },
  agent: {
    type: 'string',
    valueName: 'claude|simulated',
    description: 'the worker: Claude Code (default) or the simulated agent',
  },
  'worker-cmd': {
    type: 'string',
    valueName: 'template',
    description: "worker argv template, e.g. 'my-agent --task {id}' (split without a shell)",
  },
  retries: {
    type: 'string',
    valueName: 'n',
    description: 'extra attempts after a failure (default 0; Retries column wins)',
  },
  timeout: {
    type: 'string',
    valueName: 'duration',
    description: 'per-attempt limit: 90s, 30m, 2h (Timeout column wins)',
  },
  'usage-limit-pause': {
    type: 'string',
    valueName: 'duration',
    description: 'wait after a usage limit that gave no reset time: 90s, 10m (default 5m)',
  },
  'fail-fast': {
    type: 'boolean',
    description: 'after a failure start nothing new; running tasks finish',
  },
  'max-cost': {
    type: 'string',
    valueName: 'usd',
    description: 'start nothing new once this many dollars are spent',
  },
  milestones: {
    type: 'string',
    valueName: 'file',
    description: 'milestones.yaml (default: beside the plan, if there)',
  },
  workspace: {
    type: 'string',
    valueName: 'worktree|shared',
    description: 'a git worktree per task (default inside a git repository) or one shared folder',
  },
  verify: {
    type: 'string',
    valueName: 'template',
    description: "check each task's work after its agent exits 0, e.g. 'npm test' (no shell)",
  },
  'max-log-size': {
    type: 'string',
    valueName: 'size',
    description: 'log cap per attempt: 512K, 256M, 1G (default 128M); past it the task is stopped',
  },
  'rerun-changed': {
    type: 'boolean',
    description: 'run completed tasks whose plan entry changed again, with their dependents',
  },
  replan: {
    type: 'boolean',
    description: 'run this plan on a state written for a plan of another name',
  },
  on: {
    type: 'string',
    multiple: true,
    valueName: 'event=template',
    description: "run a command on an event: 'task:failed=notify-me {id}' (no shell; repeatable)",
  },
  'hook-timeout': {
    type: 'string',
    valueName: 'duration',
    description: 'stop a hook running longer (default 30s); also the wait for hooks at the end',
  },
  webhook: {
    type: 'string',
    multiple: true,
    valueName: 'url',
    description: 'POST each event as JSON here (repeatable; NOVA_WEBHOOK_SECRET signs it)',
  },
  notify: {
    type: 'boolean',
    description: 'desktop notification on a failure, a pause and the end of the run',
  },
  dashboard: { type: 'boolean', description: 'serve the dashboard during the run' },
  port: {
    type: 'string',
    valueName: 'n',
    description: `dashboard port (default ${DEFAULT_PORT}; 0 = any free port)`,
  },
  host: { type: 'string', valueName: 'name', description: 'dashboard address (default 127.0.0.1)' },
  token: {
    type: 'string',
    valueName: 'token',
    description: 'dashboard access token (generated when --host is not loopback)',
  },
  executor: {
    type: 'string',
    valueName: 'local|bullmq',
    description: 'run tasks here (default) or on `nova worker`s through a BullMQ queue on Redis',
  },
  redis: {
    type: 'string',
    valueName: 'url',
    description: 'Redis for --executor bullmq: redis://[:password@]host:6379 (or NOVA_REDIS_URL)',
  },
  repo: {
    type: 'string',
    valueName: 'url',
    description:
      'with --executor bullmq: a git remote every machine reaches; each task then gets a worktree',
  },
  'allow-host': {
    type: 'string',
    multiple: true,
    valueName: 'name',
    description: 'another Host name the dashboard answers, e.g. a reverse proxy (repeatable)',
  },
};

export { str };

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** `512K`, `256M`, `1.5G`, `4096` (bytes): a byte count >= 1 KiB, or undefined when not given. */
export function parseByteSize(
  text: string | number | undefined,
  flag: string,
  command: string,
): number | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(text));
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1024) {
    throw new CliError(
      'E_USAGE',
      `${flag} must be a size of at least 1K such as 512K, 256M or 1G, got "${text}"`,
      { command },
    );
  }
  return bytes;
}

export function parsePort(text: string | number | undefined, command: string): number | undefined {
  const port = wholeNumber(text, '--port', 0, command);
  if (port !== undefined && port > 65535) {
    throw new CliError('E_USAGE', `--port must be between 0 and 65535, got "${text}"`, { command });
  }
  return port;
}

/** Path of the simulated agent script, through its package (works from the workspace and installed). */
function simulatedAgentPath(): string {
  return createRequire(import.meta.url).resolve(
    '@program-nova/simulated-agent/simulated-agent.mjs',
  );
}

/**
 * The simulated agent as a worker command. Flags Claude Code would get are harmless to it;
 * {model} lets it report the model.
 */
export function simulatedWorkerCommand(): string[] {
  return [process.execPath, simulatedAgentPath(), '--model', '{model}'];
}

/** A command flag or config value (a string split without a shell, or an argv array). */
function commandArgv(
  cmd: string | string[] | undefined,
  flag: string,
  command: string,
): string[] | undefined {
  if (cmd === undefined) return undefined;
  let argv: string[];
  try {
    argv = Array.isArray(cmd) ? [...cmd] : splitCommand(cmd);
  } catch (error) {
    throw new CliError('E_USAGE', `${flag}: ${(error as Error).message}`, {
      command,
      cause: error,
    });
  }
  if (argv.length === 0 || argv[0] === '') {
    throw new CliError('E_USAGE', `${flag} is empty`, { command });
  }
  return argv;
}

export function resolveRunSettings(
  values: OptionValues,
  planFile: string,
  config: NovaConfig,
  cwd: string,
  command = 'run',
  env: NodeJS.ProcessEnv = {},
): RunSettings {
  const fromCwd = (p: string | undefined) => (p === undefined ? undefined : resolve(cwd, p));

  const agentText = str(values, 'agent') ?? config.agent ?? 'claude';
  if (!(AGENTS as readonly string[]).includes(agentText)) {
    throw new CliError(
      'E_USAGE',
      `--agent must be one of ${AGENTS.join(', ')}, got "${agentText}"`,
      { command },
    );
  }
  const agent = agentText as Agent;

  let workerCommand: string[] | null = null;
  const cmd = commandArgv(str(values, 'worker-cmd') ?? config.workerCmd, '--worker-cmd', command);
  if (cmd !== undefined) {
    workerCommand = cmd;
  } else if (agent === 'simulated') {
    workerCommand = simulatedWorkerCommand();
  }

  const timeoutText = str(values, 'timeout') ?? config.timeout;
  let timeoutMs: number | undefined;
  if (timeoutText !== undefined) {
    // Read exactly like the plan's Timeout column; `none` or `-` turns a configured timeout off.
    const read = parseTimeout(String(timeoutText));
    if (!read.ok) {
      throw new CliError(
        'E_USAGE',
        `--timeout must be a duration such as 90s, 30m or 2h, got "${timeoutText}" (${read.reason})`,
        { command },
      );
    }
    timeoutMs = read.value;
  }

  const pauseText = str(values, 'usage-limit-pause') ?? config.usageLimitPause;
  // Read like --timeout, but a pause cannot be turned off: a run that ignored a usage limit would
  // only fail every task it started into the same limit.
  const usageLimitPauseMs =
    pauseText === undefined
      ? undefined
      : positiveDuration(pauseText, '--usage-limit-pause', '90s, 10m or 1h', command);

  const costText = str(values, 'max-cost') ?? config.maxCost;
  let maxCost: number | undefined;
  if (costText !== undefined) {
    const n = Number(String(costText).replace(/^\$/, ''));
    if (String(costText).trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new CliError(
        'E_USAGE',
        `--max-cost must be a positive number of dollars, got "${costText}"`,
        { command },
      );
    }
    maxCost = n;
  }

  let milestonesFile = fromCwd(str(values, 'milestones')) ?? config.milestones;
  if (milestonesFile === undefined) {
    const beside = join(dirname(resolve(cwd, planFile)), 'milestones.yaml');
    if (existsSync(beside)) milestonesFile = beside;
  }

  const { executor, redis, repo, workspace } = executorSettings(values, config, env, command);
  return {
    executor,
    redis,
    ...(repo !== undefined ? { repo } : {}),
    planFile,
    stateFile: fromCwd(str(values, 'state')) ?? config.state ?? resolve(cwd, 'cascade_state.json'),
    logsDir: fromCwd(str(values, 'logs')) ?? config.logs,
    maxWorkers:
      wholeNumber(str(values, 'max-workers') ?? config.maxWorkers, '--max-workers', 1, command) ??
      3,
    agent,
    workerCommand,
    retries: wholeNumber(str(values, 'retries') ?? config.retries, '--retries', 0, command),
    timeoutMs,
    usageLimitPauseMs,
    failFast: values['fail-fast'] === true || config.failFast === true,
    maxCost,
    milestonesFile,
    dashboard: values.dashboard === true || config.dashboard === true,
    port: parsePort(str(values, 'port') ?? config.port, command) ?? DEFAULT_PORT,
    host: str(values, 'host') ?? config.host ?? '127.0.0.1',
    replan: values.replan === true || config.replan === true,
    rerunChanged: values['rerun-changed'] === true || config.rerunChanged === true,
    workspace,
    verify: commandArgv(str(values, 'verify') ?? config.verify, '--verify', command),
    maxLogBytes: parseByteSize(
      str(values, 'max-log-size') ?? config.maxLogSize,
      '--max-log-size',
      command,
    ),
    token: str(values, 'token') ?? config.token,
    allowHosts: (values['allow-host'] as string[] | undefined) ?? config.allowHost,
    notify: notifySettings(values, config, env, command),
  };
}

/**
 * Refuses to start when the worker program is missing, before anything is opened or spawned.
 * A program name with a placeholder cannot be checked and is left to the worker.
 */
export function checkWorkerCommand(
  settings: RunSettings,
  env: NodeJS.ProcessEnv,
  cwd: string,
): void {
  const program = (settings.workerCommand ?? DEFAULT_COMMAND)[0]!;
  if (program.includes('{') || findExecutable(program, env.PATH, cwd) !== null) return;
  if (settings.workerCommand === null) {
    throw new CliError(
      'E_INVALID_INPUT',
      "Claude Code ('claude') is not installed or not on PATH: install it (npm install -g @anthropic-ai/claude-code), point --worker-cmd at it, or try Nova with --agent simulated",
    );
  }
  throw new CliError(
    'E_INVALID_INPUT',
    `the worker command '${program}' was not found (not on PATH, or not an executable file)`,
  );
}
