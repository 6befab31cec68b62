/**
 * The orchestrator's side of the queue: each attempt becomes one plain BullMQ job (id
 * `<run>:<task>:[<resets>.]<attempt>`, priority from the critical path), followed through the
 * queue's events (with a periodic look at each job in case an event was missed, as across a Redis
 * restart; a job a restarted run finds already queued is announced as `duplicated`) until its
 * outcome is taken; then the job is removed. A job still in Redis is an outcome no orchestrator
 * has taken yet, which is what lets a restarted run follow the jobs of the one that died.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type {
  Execution,
  Executor,
  ReapResult,
  RecordedAttempt,
  TaskRunSpec,
} from '@program-nova/orchestrator';
import { listRemote, type Workspaces } from '@program-nova/workspace';
import { type ConnectionOptions, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { lastingOptions, probeRedis } from './connect.js';
import { type JobProgress, jobDataOf, jobIdOf } from './job-data.js';
import { DEFAULT_PREFIX, type NovaKeys, novaKeys } from './keys.js';
import { LogSink } from './log-sink.js';
import { parseRedisUrl, type RedisTarget } from './redis-url.js';
import { RemoteExecution, runnerText } from './remote-execution.js';
import { SharedRemote } from './shared-remote.js';
import { environmentFailure } from './worker-attempt.js';

export interface BullmqExecutorOptions {
  /** redis:// or rediss:// URL (a password in it is never shown). */
  redis: string;
  /** The queue (see queueNameOf: `nova-<project slug>`). */
  queue: string;
  /** Folder of the orchestrator's `<id>.log` files, filled with the workers' output. */
  logsDir: string;
  /** How often each unfinished job is looked at directly, besides the events (default 2 s). */
  checkIntervalMs?: number;
  prefix?: string;
  /**
   * Worktree mode across machines: `repo` is the git remote every machine reaches (workers run
   * `nova worker --repo` with the same), `workspaces` the user's repository (the base is pushed
   * from it; the tasks' work and the result branch come back into it), `subdir` the repository
   * subfolder agents run in.
   */
  worktrees?: { repo: string; workspaces: Workspaces; subdir: string };
}

const DEFAULT_CHECK_MS = 2000;
/** BullMQ's highest priority number (lower runs first). */
const MAX_PRIORITY = 2_097_152;

export class BullmqExecutor implements Executor {
  readonly queueName: string;
  /** The Redis address as people may see it (password masked). */
  readonly redisDisplay: string;
  readonly queue: Queue;
  readonly #o: BullmqExecutorOptions;
  readonly #keys: NovaKeys;
  readonly #events: QueueEvents;
  readonly #redis: Redis;
  readonly #reader: Redis;
  readonly #executions = new Map<string, RemoteExecution>();
  /** Jobs being removed once their outcome was recorded. */
  readonly #removals = new Map<string, Promise<void>>();
  readonly #timer: NodeJS.Timeout;
  #closed = false;
  #reading: Promise<void>;
  readonly #shared: SharedRemote | null;

  private constructor(o: BullmqExecutorOptions, target: RedisTarget) {
    this.#o = o;
    this.#shared = o.worktrees
      ? new SharedRemote(o.worktrees.repo, o.worktrees.workspaces, o.worktrees.subdir)
      : null;
    this.queueName = o.queue;
    this.redisDisplay = target.display;
    const prefix = o.prefix ?? DEFAULT_PREFIX;
    this.#keys = novaKeys(prefix, o.queue);
    const connection = lastingOptions(target);
    // BullMQ names ioredis' options with a type of its own; they are the same options.
    const bull = connection as ConnectionOptions;
    this.queue = new Queue(o.queue, { connection: bull, prefix });
    this.#events = new QueueEvents(o.queue, { connection: bull, prefix });
    this.#redis = new Redis(connection);
    this.#reader = new Redis(connection);
    for (const c of [this.#redis, this.#reader]) c.on('error', () => {});
    this.queue.on('error', () => {});
    this.#events.on('error', () => {});
    this.#events.on('progress', ({ jobId, data }) =>
      this.#executions.get(jobId)?.progress(data as JobProgress),
    );
    // An event names a job by id only, which an attempt queued again reuses: the job says the rest.
    const look = ({ jobId }: { jobId: string }) => this.#executions.get(jobId)?.lookAgain();
    this.#events.on('completed', look);
    this.#events.on('failed', look);
    this.#events.on('stalled', look);
    this.#events.on('duplicated', ({ jobId }) => this.#executions.get(jobId)?.duplicated());
    this.#timer = setInterval(() => void this.#check(), o.checkIntervalMs ?? DEFAULT_CHECK_MS);
    this.#timer.unref();
    this.#reading = this.#readLogs();
  }

  /** Checks Redis (REDIS_URL, REDIS_UNREACHABLE, REDIS_AUTH) and opens the queue. */
  static async open(o: BullmqExecutorOptions): Promise<BullmqExecutor> {
    const target = parseRedisUrl(o.redis);
    await probeRedis(target);
    // The shared remote is checked up front (REMOTE_FAILED, INVALID_REMOTE): workers need it.
    if (o.worktrees)
      await listRemote(o.worktrees.repo, 'refs/nova/', { cwd: o.worktrees.workspaces.repoRoot });
    const executor = new BullmqExecutor(o, target);
    await executor.#events.waitUntilReady();
    return executor;
  }

  /** This state's run: the same state file on the same host is the same run across restarts. */
  runOf(stateFile: string): string {
    return createHash('sha256')
      .update(`${hostname()}\0${resolve(stateFile)}`)
      .digest('hex')
      .slice(0, 12);
  }

  start(spec: TaskRunSpec): Execution {
    const run = this.runOf(spec.stateFile ?? '');
    const jobId = jobIdOf(run, spec.task.id, spec.attempt, spec.resets);
    const execution = new RemoteExecution(
      this,
      spec,
      jobId,
      new LogSink(this.#o.logsDir, spec.task.id),
    );
    this.#executions.set(jobId, execution);
    const resets = spec.resets ?? 0;
    const earlier =
      resets > 0 && spec.attempt === 1
        ? this.#dropEarlierSeries(run, spec.task.id, resets)
        : Promise.resolve();
    const shared = spec.workspace ? this.#shared : null;
    const base = spec.workspace && shared ? shared.pushBase(spec.workspace.base) : undefined;
    void Promise.all([earlier, base]).then(
      () =>
        execution.begin(
          jobDataOf(spec, run, shared?.subdir),
          Math.min(spec.rank + 1, MAX_PRIORITY),
        ),
      (error: unknown) =>
        execution.abandon(environmentFailure(spec.task.id, "could not push the run's base", error)),
    );
    return execution;
  }

  /** Worktree mode: the result branch, made from the tasks' work fetched from the shared remote. */
  async mergeResult(input: {
    sinks: { id: string; head: string }[];
    base: string;
  }): Promise<{ branch: string; head: string }> {
    if (!this.#shared) throw new Error('this executor does not work in worktrees');
    return this.#shared.mergeResult(input);
  }

  /**
   * The first attempt after a reset: finished jobs of the task's earlier series (left by an
   * orchestrator that died between recording their outcome and removing them) are never followed
   * again (their ids differ from every new attempt's), so they go rather than stay for good.
   */
  async #dropEarlierSeries(run: string, taskId: string, resets: number): Promise<void> {
    const prefix = `${run}:${taskId}:`;
    try {
      for (const job of await this.queue.getJobs(['completed', 'failed'])) {
        const id = job?.id;
        if (!id?.startsWith(prefix)) continue;
        const series = /^(?:(\d+)\.)?\d+$/.exec(id.slice(prefix.length));
        if (series && Number(series[1] ?? 0) < resets) await this.discard(id);
      }
    } catch {
      // Best effort: a leftover of an earlier series has another id and is never taken.
    }
  }

  /**
   * A task a dead run left running: its job is not stopped but followed again when the task
   * starts (same attempt, same job id), so work done meanwhile is kept and nothing runs twice.
   */
  async reap(attempt: RecordedAttempt): Promise<ReapResult> {
    const jobId = jobIdOf(
      this.runOf(attempt.stateFile),
      attempt.id,
      attempt.state.attempts + 1,
      attempt.state.resets,
    );
    const job = await this.queue.getJob(jobId);
    if (!job) return { found: false, detail: 'its job is no longer in the queue; it runs again' };
    const state = await job.getState();
    return {
      found: false,
      detail: `its job ${jobId} is ${state}${runnerText(job.progress)}; followed again, not restarted`,
    };
  }

  /** Closes the queue connections (jobs and workers carry on). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await Promise.all(this.#removals.values());
    this.#reader.disconnect();
    await this.#reading.catch(() => {});
    await Promise.allSettled([this.#events.close(), this.queue.close(), this.#redis.quit()]);
  }

  /** @internal */
  get keys(): NovaKeys {
    return this.#keys;
  }
  /** @internal */
  get redis(): Redis {
    return this.#redis;
  }
  /**
   * @internal Removes a job, its output stream and any cancel request for it. `known` says which of
   * Nova's own keys cannot exist (a short job's output came in its outcome, nobody asked to cancel
   * it): one round trip instead of two per task.
   */
  async discard(
    jobId: string,
    known: { streamed: boolean; cancelAsked: boolean } = { streamed: true, cancelAsked: true },
  ): Promise<void> {
    await this.queue.remove(jobId).catch(() => 0);
    if (!known.streamed && !known.cancelAsked) return;
    const multi = this.#redis.multi();
    if (known.streamed) multi.del(this.#keys.log(jobId));
    if (known.cancelAsked) multi.srem(this.#keys.cancelSet, jobId);
    await multi.exec().catch(() => {});
  }
  /** @internal */
  removing(jobId: string, done: Promise<void>): void {
    this.#removals.set(jobId, done);
    void done.then(() => {
      if (this.#removals.get(jobId) === done) this.#removals.delete(jobId);
    });
  }
  /** @internal */
  removal(jobId: string): Promise<void> {
    return this.#removals.get(jobId) ?? Promise.resolve();
  }
  /** @internal */
  forget(jobId: string, execution: RemoteExecution): void {
    if (this.#executions.get(jobId) === execution) this.#executions.delete(jobId);
  }

  async #check(): Promise<void> {
    for (const e of [...this.#executions.values()]) await e.check().catch(() => {});
  }

  /** One loop reading every running job's output stream into its log file. */
  async #readLogs(): Promise<void> {
    while (!this.#closed) {
      const open = [...this.#executions.values()];
      if (open.length === 0) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      let reply: [string, [string, string[]][]][] | null = null;
      try {
        reply = (await this.#reader.xreadBuffer(
          'COUNT',
          500,
          'BLOCK',
          250,
          'STREAMS',
          ...open.map((e) => this.#keys.log(e.jobId)),
          ...open.map((e) => e.streamPosition),
        )) as unknown as [string, [string, string[]][]][] | null;
      } catch {
        if (this.#closed) return;
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      for (const [key, entries] of reply ?? []) {
        const jobId = String(key).slice(this.#keys.log('').length);
        const e = this.#executions.get(jobId);
        if (e)
          for (const [id, fields] of entries) e.output(String(id), fields[1] as unknown as Buffer);
      }
    }
  }
}
