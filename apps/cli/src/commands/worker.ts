import { join, resolve } from 'node:path';
import { NovaWorker, queueNameOf } from '@program-nova/executor-bullmq';
import { DEFAULT_COMMAND } from '@program-nova/worker';
import { showRemote } from '@program-nova/workspace';
import { CliError, EXIT } from '../core/cli-error.js';
import type { Command } from '../core/command.js';
import { loadConfig } from '../core/config.js';
import { positiveDuration, wholeNumber } from '../core/option-values.js';
import { loadPlan, planPath } from '../core/plan-file.js';
import { terminalText } from '../core/terminal-text.js';
import { checkWorkerCommand, resolveRunSettings } from '../run/settings.js';

const DEFAULT_LOCK_MS = 30_000;

export const workerCommand: Command = {
  name: 'worker',
  summary: 'run tasks of `nova run --executor bullmq` from a Redis queue, on this machine',
  usage: [
    'nova worker [CASCADE.md] --redis <url> [--concurrency n] [--agent claude|simulated] [--worker-cmd template]',
    'nova worker [CASCADE.md] --redis <url> --repo <git remote> [--verify command] ...',
  ],
  details: [
    "Takes jobs from the plan's BullMQ queue (nova-<project slug>; the plan in this folder names it,",
    'or --queue) and runs each task as `nova run` would run it locally: the agent as a process group,',
    'timeouts, token accounting, typed failures; progress, output and the outcome go back to the',
    "orchestrator. The agent's command is configured here (--agent, --worker-cmd, nova.config.json),",
    'never taken from a job: a job carries task data only. Agents run in this folder (shared',
    'workspace), or, for a run in worktree mode (`nova run --repo`), each in a git worktree of this',
    "machine's own repository (.nova-worker/repo) filled from --repo (the run's shared remote): the",
    "worktree starts from the dependencies' work, and the completed work is pushed back there. The",
    "verify command is this worker's too (--verify, nova.config.json, or the task's Verify column in",
    "this folder's plan). A worker silent for --lock-duration is taken for lost and its job goes to another.",
    'The Redis URL may also come from NOVA_REDIS_URL; its password is never printed.',
    'Ctrl-C stops taking jobs and stops the running agents (SIGTERM, a grace of 5s, SIGKILL); the',
    'orchestrator queues their tasks again. A second Ctrl-C sends SIGKILL at once.',
    'Exit: 130 after Ctrl-C, 2 for bad input (Redis or --repo unreachable, wrong password, missing agent).',
  ].join('\n'),
  examples: [
    'nova worker --redis redis://queue-host:6379 --concurrency 4',
    'NOVA_REDIS_URL=redis://:secret@queue-host:6379 nova worker --agent simulated',
    "nova worker --redis redis://queue-host:6379 --repo ssh://git@host/srv/plan.git --verify 'pnpm test'",
  ],
  options: {
    redis: {
      type: 'string',
      valueName: 'url',
      description: 'the queue: redis://[:password@]host:6379 (or NOVA_REDIS_URL)',
    },
    concurrency: {
      type: 'string',
      short: 'c',
      valueName: 'n',
      description: 'tasks run at once on this machine (default 1)',
    },
    agent: {
      type: 'string',
      valueName: 'claude|simulated',
      description: 'the agent: Claude Code (default) or the simulated agent',
    },
    'worker-cmd': {
      type: 'string',
      valueName: 'template',
      description: "agent argv template, e.g. 'my-agent --task {id}' (split without a shell)",
    },
    queue: {
      type: 'string',
      valueName: 'name',
      description: "the queue's name (default nova-<slug of the plan's project name>)",
    },
    logs: {
      type: 'string',
      valueName: 'dir',
      description: "this machine's copies of the task logs (default .nova-worker/logs)",
    },
    repo: {
      type: 'string',
      valueName: 'url',
      description:
        "the run's shared git remote (runs in worktree mode need it; same as nova run --repo)",
    },
    verify: {
      type: 'string',
      valueName: 'command',
      description: "worktree mode: check each task's work after its agent exits 0 (argv, no shell)",
    },
    'lock-duration': {
      type: 'string',
      valueName: 'duration',
      description: 'silence after which a worker counts as lost: 10s, 2m (default 30s)',
    },
  },
  maxPositionals: 1,
  async run(ctx) {
    const plan = planPath(ctx);
    const { config } = await loadConfig(plan);
    // The agent is chosen exactly as `nova run` chooses it (flags, then nova.config.json).
    const settings = resolveRunSettings(
      {
        agent: ctx.values.agent,
        'worker-cmd': ctx.values['worker-cmd'],
        verify: ctx.values.verify,
      },
      plan,
      { ...config, executor: undefined, workspace: undefined },
      ctx.cwd,
      'worker',
      ctx.env,
    );
    const redis =
      (ctx.values.redis as string | undefined) ?? config.redis ?? ctx.env.NOVA_REDIS_URL;
    if (!redis) {
      throw new CliError('E_USAGE', 'nova worker needs --redis <url> (or NOVA_REDIS_URL)', {
        command: 'worker',
      });
    }
    const concurrency = wholeNumber(
      (ctx.values.concurrency as string | undefined) ?? '1',
      '--concurrency',
      1,
      'worker',
    )!;
    const lockText = ctx.values['lock-duration'] as string | undefined;
    const lockDurationMs =
      lockText === undefined
        ? DEFAULT_LOCK_MS
        : positiveDuration(lockText, '--lock-duration', '10s or 2m', 'worker', {
            ms: 1000,
            text: '1s',
          });
    checkWorkerCommand(settings, ctx.env, ctx.cwd);
    const named = ctx.values.queue as string | undefined;
    // The plan in this folder names the queue and, in worktree mode, each task's own verify.
    const cascade = named === undefined ? await loadPlan(ctx) : null;
    const queue = named ?? queueNameOf(cascade!.projectName);
    const repo = (ctx.values.repo as string | undefined) ?? config.repo;
    const ownVerify = new Map(cascade?.tasks.map((t) => [t.id, t.verify]) ?? []);
    const worker = await NovaWorker.start({
      redis,
      queue,
      concurrency,
      command: settings.workerCommand ?? DEFAULT_COMMAND,
      logsDir: resolve(
        ctx.cwd,
        (ctx.values.logs as string | undefined) ?? join('.nova-worker', 'logs'),
      ),
      cwd: ctx.cwd,
      env: ctx.env,
      lockDurationMs,
      ...(repo !== undefined
        ? {
            repo,
            repoDir: resolve(ctx.cwd, '.nova-worker'),
            verify: (id: string) => ownVerify.get(id) ?? settings.verify,
          }
        : {}),
      ...(settings.maxLogBytes !== undefined ? { maxLogBytes: settings.maxLogBytes } : {}),
    });
    const c = ctx.colors.stdout;
    const at = `${worker.runner.host} (pid ${worker.runner.pid})`;
    const workspace =
      repo !== undefined
        ? `worktrees from ${terminalText(showRemote(repo))} in ${terminalText(resolve(ctx.cwd, '.nova-worker'))}${settings.verify ? `, verify ${terminalText(settings.verify.join(' '))}` : ''}`
        : 'shared workspace: agents run in this folder (no --repo: runs in worktree mode are refused)';
    // One write: whoever waits for the first line has the second too.
    ctx.stdout.write(
      `${c.bold('nova worker')} ${terminalText(at)}: queue ${c.bold(queue)}, ${concurrency} at once, agent ${terminalText(settings.workerCommand?.join(' ') ?? DEFAULT_COMMAND.join(' '))}\n${workspace}\n`,
    );
    worker.on('taken', ({ taskId }) => ctx.stdout.write(`started ${terminalText(taskId)}\n`));
    // An interruption (this worker stopping, the orchestrator cancelling) is no failure of the
    // task: the orchestrator queues it again without counting an attempt; said as `nova run` says it.
    worker.on('finished', ({ taskId, ok, kind }) => {
      const verb = ok
        ? c.green('completed')
        : kind === 'interrupted'
          ? c.yellow('stopped')
          : c.red(`failed (${kind})`);
      ctx.stdout.write(`${verb} ${terminalText(taskId)}\n`);
    });
    worker.on('refused', ({ jobId, reason }) =>
      ctx.stderr.write(
        `nova: warning: refused job ${terminalText(jobId)}: ${terminalText(reason)}\n`,
      ),
    );
    worker.on('error', (e) =>
      ctx.stderr.write(`nova: warning: ${terminalText(e.message.split('\n')[0] ?? '')}\n`),
    );
    // Handled until the worker has closed: a second signal during the agents' grace must not end
    // this process at once (Node's default), which would leave them running, stopped by no one.
    let signals = 0;
    let onSignal: (signal: NodeJS.Signals) => void = () => {};
    const first = new Promise<NodeJS.Signals>((done) => {
      onSignal = (signal) => {
        signals += 1;
        if (signals === 1) return done(signal);
        ctx.stdout.write(`${signal} again: stopping the running agents now (SIGKILL)\n`);
        void worker.close({ force: true });
      };
    });
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const signal = await first;
      ctx.stdout.write(`${signal}: stopping; running tasks go back to the queue\n`);
      await worker.close();
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    return EXIT.interrupted;
  },
};
