/**
 * Where `nova run`'s tasks run and in which folder: local processes or `nova worker`s through a
 * BullMQ queue; a worktree per task or one shared folder. With the queue, worktrees need a git
 * remote every machine reaches (`--repo`), and what a task runs (agent, verify) is configured on
 * each worker, never sent through the queue.
 */
import { CliError } from '../core/cli-error.js';
import { type OptionValues, str } from '../core/command.js';
import type { NovaConfig } from '../core/config.js';

export const EXECUTORS = ['local', 'bullmq'] as const;
export type ExecutorKind = (typeof EXECUTORS)[number];

export const WORKSPACE_MODES = ['worktree', 'shared'] as const;
export type WorkspaceMode = (typeof WORKSPACE_MODES)[number];

export interface ExecutorSettings {
  executor: ExecutorKind;
  redis: string | undefined;
  repo: string | undefined;
  /** As asked; undefined: worktree inside a git repository, else shared (local executor only). */
  workspace: WorkspaceMode | undefined;
}

function oneOf<T extends string>(
  text: string,
  allowed: readonly T[],
  flag: string,
  command: string,
): T {
  if (!(allowed as readonly string[]).includes(text)) {
    throw new CliError('E_USAGE', `${flag} must be one of ${allowed.join(', ')}, got "${text}"`, {
      command,
    });
  }
  return text as T;
}

export function executorSettings(
  values: OptionValues,
  config: NovaConfig,
  env: NodeJS.ProcessEnv,
  command: string,
): ExecutorSettings {
  const executor = oneOf(
    str(values, 'executor') ?? config.executor ?? 'local',
    EXECUTORS,
    '--executor',
    command,
  );
  const redis = str(values, 'redis') ?? config.redis ?? env.NOVA_REDIS_URL;
  const repo = str(values, 'repo') ?? config.repo;
  const asked = str(values, 'workspace') ?? config.workspace;
  const workspace =
    asked === undefined ? undefined : oneOf(asked, WORKSPACE_MODES, '--workspace', command);
  const usage = (message: string) => new CliError('E_USAGE', message, { command });
  if (executor !== 'bullmq') {
    if (str(values, 'repo') !== undefined) {
      throw usage(
        '--repo is for --executor bullmq (a git remote the worker machines share); a local run works in this repository',
      );
    }
    return { executor, redis, repo: undefined, workspace };
  }
  if (!redis) {
    throw usage(
      '--executor bullmq needs the Redis URL: --redis redis://host:6379 (or NOVA_REDIS_URL)',
    );
  }
  if (workspace === 'worktree' && repo === undefined) {
    throw usage(
      '--workspace worktree with --executor bullmq needs --repo <url>: a git remote every worker machine can reach (a bare repository on a shared path, or an ssh URL)',
    );
  }
  const local = ['agent', 'worker-cmd', 'verify'].find((f) => values[f] !== undefined);
  if (local) {
    throw usage(
      `--${local} is set on each \`nova worker\` with --executor bullmq: what a task runs is configured on the worker`,
    );
  }
  if (workspace === 'shared' || repo === undefined) {
    return { executor, redis, repo: undefined, workspace: 'shared' };
  }
  return { executor, redis, repo, workspace: 'worktree' };
}
