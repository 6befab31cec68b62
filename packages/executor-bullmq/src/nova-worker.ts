/**
 * `nova worker`: takes jobs from a project's queue and runs each as a local attempt through
 * @program-nova/worker (process group, timeouts, token accounting, typed failures), exactly as a
 * local run does. The command comes from these options, never from the job.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { clip } from '@program-nova/core';
import {
  type Execution,
  type ExecutionFailure,
  type ExecutionOutcome,
  failureOutcome,
  LocalExecutor,
  type LocalExecutorOptions,
} from '@program-nova/orchestrator';
import { createWorkerHost, type WorkerHost } from '@program-nova/worker';
import { listRemote, type Workspaces } from '@program-nova/workspace';
import { type ConnectionOptions, type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { lastingOptions, probeRedis } from './connect.js';
import { BullmqExecutorError } from './errors.js';
import { type JobProgress, outcomeToWire, readJobData } from './job-data.js';
import { DEFAULT_PREFIX, novaKeys } from './keys.js';
import { LogTail } from './log-tail.js';
import { OutputShipper } from './output-wire.js';
import { parseRedisUrl } from './redis-url.js';
import { workerNameOf } from './runner.js';
import { conflictAdvice, environmentFailure, specOf } from './worker-attempt.js';
import { WorkerRepository } from './worker-repository.js';

/**
 * How agents run, as for a local run (LocalExecutorOptions): the command (default Claude Code),
 * stdin, where (default this process's folder), environment, default model, limits.
 */
type AgentOptions = Pick<
  LocalExecutorOptions,
  | 'command'
  | 'stdin'
  | 'cwd'
  | 'env'
  | 'model'
  | 'inactivityTimeoutMs'
  | 'maxLogBytes'
  | 'killGraceMs'
>;

export interface NovaWorkerOptions extends AgentOptions {
  /** redis:// or rediss:// URL (a password in it is never shown). */
  redis: string;
  /** The queue to serve (see queueNameOf). */
  queue: string;
  /** Jobs run at once (default 1). */
  concurrency?: number;
  /** Folder of the attempts' own log files on this machine. */
  logsDir: string;
  /**
   * How long a job stays this worker's without it renewing the lock (renewed every half of it).
   * A worker silent this long is taken for dead: its job goes back to the queue. Default 30 s.
   */
  lockDurationMs?: number;
  /** How often this worker looks for other workers' stalled jobs (default: lockDurationMs). */
  stalledIntervalMs?: number;
  /** Times a job may be put back after its worker was lost before it fails (default 1). */
  maxStalledCount?: number;
  /** How often live figures and output are sent while a job runs (default 250 ms). */
  progressIntervalMs?: number;
  prefix?: string;
  /**
   * Worktree mode across machines: the shared git remote (the same repository as the run's
   * `--repo`). Without it, jobs of a run in worktree mode are refused (they fail saying so).
   */
  repo?: string;
  /** This worker's folder for its repository and worktrees (default: the parent of logsDir). */
  repoDir?: string;
  /** Worktree mode: the verify command (argv template) for a task, configured on this worker. */
  verify?: (taskId: string) => readonly string[] | undefined;
}

export interface NovaWorkerEvents {
  taken: (info: { jobId: string; taskId: string }) => void;
  finished: (info: { jobId: string; taskId: string; ok: boolean; kind: string | null }) => void;
  /** A job this worker cannot run: its data is unreadable, or it needs what the worker lacks. */
  refused: (info: { jobId: string; reason: string }) => void;
  error: (error: Error) => void;
}

const DEFAULT_LOCK_MS = 30_000;

export class NovaWorker {
  readonly runner: { host: string; pid: number } = { host: hostname(), pid: process.pid };
  readonly #o: NovaWorkerOptions;
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  readonly #worker: Worker;
  /**
   * Agents are spawned from a lean host process, as local runs do: a spawn forks the spawning
   * process, and this one holds BullMQ, ioredis and the CLI (about 120 MB against the host's 45).
   */
  readonly #host: WorkerHost;
  readonly #running = new Map<string, Execution>();
  readonly #repository: WorkerRepository | null;
  readonly #listeners: { [K in keyof NovaWorkerEvents]: NovaWorkerEvents[K][] } = {
    taken: [],
    finished: [],
    refused: [],
    error: [],
  };
  #closing: Promise<void> | null = null;

  private constructor(
    o: NovaWorkerOptions,
    redis: Redis,
    subscriber: Redis,
    worker: Worker,
    host: WorkerHost,
  ) {
    this.#o = o;
    this.#host = host;
    this.#redis = redis;
    this.#subscriber = subscriber;
    this.#worker = worker;
    this.#repository = o.repo
      ? new WorkerRepository({ url: o.repo, dir: o.repoDir ?? join(o.logsDir, '..'), env: o.env })
      : null;
  }

  /** Checks Redis (REDIS_URL, REDIS_UNREACHABLE, REDIS_AUTH) and starts taking jobs. */
  static async start(o: NovaWorkerOptions): Promise<NovaWorker> {
    const concurrency = o.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new BullmqExecutorError(
        'INVALID_OPTIONS',
        `concurrency must be a positive integer, got ${concurrency}`,
      );
    }
    const lockDuration = o.lockDurationMs ?? DEFAULT_LOCK_MS;
    if (!Number.isFinite(lockDuration) || lockDuration < 500) {
      throw new BullmqExecutorError(
        'INVALID_OPTIONS',
        `the lock duration must be at least 500 ms, got ${lockDuration}`,
      );
    }
    const target = parseRedisUrl(o.redis);
    await probeRedis(target);
    // A remote this worker cannot read would fail every job it takes: refused here instead.
    if (o.repo !== undefined) {
      await listRemote(o.repo, 'refs/nova/', { cwd: o.cwd ?? process.cwd(), env: o.env });
    }
    const prefix = o.prefix ?? DEFAULT_PREFIX;
    const keys = novaKeys(prefix, o.queue);
    const redis = new Redis(lastingOptions(target));
    const subscriber = new Redis(lastingOptions(target));
    let self: NovaWorker | null = null;
    const worker = new Worker(o.queue, (job, token) => self!.#process(job, token), {
      connection: lastingOptions(target) as ConnectionOptions,
      prefix,
      name: workerNameOf({ host: hostname(), pid: process.pid }),
      concurrency,
      lockDuration,
      stalledInterval: o.stalledIntervalMs ?? lockDuration,
      maxStalledCount: o.maxStalledCount ?? 1,
      autorun: false,
    });
    // Booted now, so the first job does not wait for it.
    const host = createWorkerHost(o.env !== undefined ? { env: o.env } : {});
    self = new NovaWorker(o, redis, subscriber, worker, host);
    const me = self;
    for (const conn of [redis, subscriber]) conn.on('error', () => {});
    worker.on('error', (e) => me.#emit('error', e));
    subscriber.on('message', (_channel: string, message: string) => me.#onCancel(message));
    await subscriber.subscribe(keys.cancelChannel);
    void worker.run().catch((e: unknown) => me.#emit('error', e as Error));
    return self;
  }

  on<E extends keyof NovaWorkerEvents>(event: E, listener: NovaWorkerEvents[E]): this {
    this.#listeners[event].push(listener);
    return this;
  }

  /** Jobs running now. */
  get running(): number {
    return this.#running.size;
  }

  /**
   * Stops taking jobs and stops the agents it is running (SIGTERM, grace, SIGKILL); their jobs end
   * as interrupted, which the orchestrator queues again for another worker. `force` (also on a
   * later call, during the grace) sends SIGKILL at once.
   */
  close(options: { force?: boolean } = {}): Promise<void> {
    this.#closing ??= (async () => {
      const closed = this.#worker.close();
      await Promise.all([...this.#running.values()].map((w) => w.stop()));
      await closed.catch(() => {});
      await this.#host.close();
      await this.#subscriber.quit().catch(() => {});
      await this.#redis.quit().catch(() => {});
    })();
    // A stop with force during the grace of the first is its SIGKILL.
    if (options.force) for (const w of this.#running.values()) void w.stop({ force: true });
    return this.#closing;
  }

  #emit<E extends keyof NovaWorkerEvents>(
    event: E,
    ...args: Parameters<NovaWorkerEvents[E]>
  ): void {
    for (const l of this.#listeners[event]) (l as (...a: unknown[]) => void)(...args);
  }

  #onCancel(message: string): void {
    const force = message.startsWith('force:');
    const jobId = force ? message.slice('force:'.length) : message;
    void this.#running.get(jobId)?.stop({ force });
  }

  async #process(job: Job, _token?: string): Promise<Record<string, unknown>> {
    const jobId = job.id!;
    const keys = novaKeys(this.#o.prefix ?? DEFAULT_PREFIX, this.#o.queue);
    let data: ReturnType<typeof readJobData>;
    try {
      data = readJobData(job.data);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.#emit('refused', { jobId, reason });
      // A job this worker cannot read fails in BullMQ: the orchestrator sees why.
      throw new Error(`refused by ${this.runner.host}:${this.runner.pid}: ${reason}`);
    }
    if ((await this.#redis.sismember(keys.cancelSet, jobId)) === 1) {
      return interruptedWire('stopped by the orchestrator before it started');
    }
    const o = this.#o;
    const progress: JobProgress = { runner: this.runner };
    await job.updateProgress({ ...progress });
    const started = await this.#begin(data);
    if ('refused' in started) {
      this.#emit('refused', { jobId, reason: started.refused.message });
      return outcomeToWire(started.refused);
    }
    const { execution: w, workspaces } = started;
    this.#running.set(jobId, w);
    // Closed while this job was being taken (its inputs fetched): close() did not see it.
    if (this.#closing !== null) void w.stop();
    this.#emit('taken', { jobId, taskId: data.task.id });
    const tail = new LogTail(w.logPath!);
    const stream = keys.log(jobId);
    let dirty = false;
    w.on('tokens', (t) => {
      progress.usage = t.usage;
      progress.costUsd = t.costUsd;
      progress.model = t.model;
      dirty = true;
    });
    w.on('init', (i) => {
      if (i.model) progress.model = i.model;
      dirty = true;
    });
    w.on('activity', (line) => {
      progress.step = clip(line, 200);
      dirty = true;
    });
    const output = new OutputShipper(this.#redis, stream, tail);
    let sending = Promise.resolve();
    const send = (final = false) => {
      sending = sending.then(async () => {
        await output.ship(final);
        // The final figures travel in the outcome.
        if (dirty && !final) {
          dirty = false;
          await job.updateProgress({ ...progress }).catch(() => {});
        }
      });
      return sending;
    };
    const timer = setInterval(() => void send(), o.progressIntervalMs ?? 250);
    try {
      let outcome = await w.done;
      if (workspaces) outcome = await this.#deliver(outcome, workspaces, data);
      if (this.#closing !== null && !outcome.ok && outcome.kind === 'interrupted') {
        // Said as it happened: this worker was shut down, not the run stopping the task.
        outcome = {
          ...outcome,
          message: outcome.message.replace(
            'stopped by Nova before it finished',
            `stopped before it finished: its worker ${this.runner.host} (pid ${this.runner.pid}) was shut down`,
          ),
        };
      }
      clearInterval(timer);
      await send(true);
      this.#emit('finished', {
        jobId,
        taskId: data.task.id,
        ok: outcome.ok,
        kind: outcome.ok ? null : outcome.kind,
      });
      // Its messages name this machine's log; the orchestrator names its own copy instead.
      return { ...outcomeToWire(outcome), workerLogPath: w.logPath, ...output.wire() };
    } finally {
      clearInterval(timer);
      tail.close();
      this.#running.delete(jobId);
    }
  }

  /**
   * Starts the attempt through a LocalExecutor, as a local run does: in this worker's folder, or
   * (a job of a run in worktree mode) in a worktree of this machine's repository prepared from
   * the shared remote. A job this worker cannot serve is refused with the reason.
   */
  async #begin(
    data: ReturnType<typeof readJobData>,
  ): Promise<
    { execution: Execution; workspaces: Workspaces | null } | { refused: ExecutionFailure }
  > {
    const o = this.#o;
    const executor = (worktrees?: { workspaces: Workspaces; subdir: string }) =>
      new LocalExecutor({
        command: o.command,
        stdin: o.stdin,
        cwd: o.cwd,
        env: o.env,
        model: o.model,
        inactivityTimeoutMs: o.inactivityTimeoutMs,
        maxLogBytes: o.maxLogBytes,
        killGraceMs: o.killGraceMs,
        logsDir: join(o.logsDir, data.run),
        host: this.#host,
        ...(worktrees ? { worktrees } : {}),
      });
    const spec = specOf(data);
    if (!data.workspace) return { execution: executor().start(spec), workspaces: null };
    if (!this.#repository) {
      // The worker, not the task, is at fault: the run stops with the task pending, so starting
      // this worker with --repo and running again finishes the plan without a retry.
      return {
        refused: environmentFailure(
          data.task.id,
          `worker ${this.runner.host} (pid ${this.runner.pid}) cannot take it`,
          new Error(
            "the run works in git worktrees and this worker has no repository: start it with --repo <the run's shared remote>",
          ),
        ),
      };
    }
    let workspaces: Workspaces;
    try {
      workspaces = await this.#repository.prepareInputs(data.project, data.task.id, data.workspace);
    } catch (error) {
      return { refused: environmentFailure(data.task.id, 'could not get its inputs', error) };
    }
    const verify = o.verify?.(data.task.id);
    const execution = executor({ workspaces, subdir: data.workspace.subdir }).start({
      ...spec,
      ...(verify && verify.length > 0 ? { verify } : {}),
    });
    return { execution, workspaces };
  }

  /**
   * Worktree mode, after the attempt: completed work goes to the shared remote (a task counts as
   * completed only once other machines can start from it); a merge conflict says how to resolve
   * it from any clone of the remote, since the next attempt may run on another machine.
   */
  async #deliver(
    outcome: ExecutionOutcome,
    workspaces: Workspaces,
    data: ReturnType<typeof readJobData>,
  ): Promise<ExecutionOutcome> {
    const repository = this.#repository!;
    const id = data.task.id;
    if (!outcome.ok) {
      // A failed verify leaves the work for the agent to fix if the retry runs here; any other
      // failure's worktree is reset by the next attempt anyway, so its folder goes now.
      if (outcome.kind !== 'verify_failed') await repository.release(workspaces, id);
      return outcome.kind === 'merge_conflict'
        ? {
            ...outcome,
            message: conflictAdvice(outcome.message, workspaces, id, data, repository.url),
          }
        : outcome;
    }
    try {
      await repository.deliverTask(workspaces, id);
      return outcome;
    } catch (error) {
      return {
        ...environmentFailure(
          id,
          `its work is committed on this worker (${workspaces.branchFor(id)} at ${outcome.git?.head.slice(0, 12) ?? '?'} in ${repository.repositoryDir}) but could not be pushed`,
          error,
        ),
        usage: outcome.usage,
        costUsd: outcome.costUsd,
        model: outcome.model,
        durationMs: outcome.durationMs,
      };
    }
  }
}

function interruptedWire(message: string): Record<string, unknown> {
  return outcomeToWire(failureOutcome('interrupted', message, true));
}
