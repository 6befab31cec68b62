/**
 * The orchestrator's side of the queue: each attempt becomes one plain BullMQ job (id
 * `<run>:<task>:[<resets>.]<attempt>`, priority from the critical path), followed through the
 * queue's events (with a periodic look at each job in case an event was missed, as across a Redis
 * restart) until its outcome is taken; then the job is removed. A job still in Redis is an outcome no orchestrator
 * has taken yet, which is what lets a restarted run follow the jobs of the one that died.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { zeroUsage } from '@program-nova/core';
import type {
  Execution,
  ExecutionEvents,
  ExecutionFailure,
  ExecutionOutcome,
  Executor,
  ReapResult,
  RecordedAttempt,
  TaskRunSpec,
} from '@program-nova/orchestrator';
import { type ConnectionOptions, type Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { lastingOptions, probeRedis } from './connect.js';
import { JOB_NAME, type JobProgress, jobDataOf, jobIdOf, outcomeFromWire } from './job-data.js';
import { DEFAULT_PREFIX, type NovaKeys, novaKeys } from './keys.js';
import { LogSink } from './log-sink.js';
import { parseRedisUrl, type RedisTarget } from './redis-url.js';
import { runnerOfName, sameRunner } from './runner.js';

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

  private constructor(o: BullmqExecutorOptions, target: RedisTarget) {
    this.#o = o;
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
    this.#events.on('completed', ({ jobId, returnvalue }) =>
      this.#executions.get(jobId)?.finished(outcomeFromWire(returnvalue)),
    );
    this.#events.on('failed', ({ jobId, failedReason }) =>
      this.#executions.get(jobId)?.failedInQueue(failedReason),
    );
    this.#events.on('stalled', ({ jobId }) => this.#executions.get(jobId)?.stalled());
    this.#timer = setInterval(() => void this.#check(), o.checkIntervalMs ?? DEFAULT_CHECK_MS);
    this.#timer.unref();
    this.#reading = this.#readLogs();
  }

  /** Checks Redis (REDIS_URL, REDIS_UNREACHABLE, REDIS_AUTH) and opens the queue. */
  static async open(o: BullmqExecutorOptions): Promise<BullmqExecutor> {
    const target = parseRedisUrl(o.redis);
    await probeRedis(target);
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
    const run = this.runOf(spec.stateFile);
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
    void earlier.then(() =>
      execution.begin(jobDataOf(spec, run), Math.min(spec.rank + 1, MAX_PRIORITY)),
    );
    return execution;
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
  /** @internal Removes a job, its output stream and any cancel request for it. */
  async discard(jobId: string): Promise<void> {
    await this.queue.remove(jobId).catch(() => 0);
    await this.#redis
      .multi()
      .del(this.#keys.log(jobId))
      .srem(this.#keys.cancelSet, jobId)
      .exec()
      .catch(() => {});
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

function runnerText(progress: unknown): string {
  const r = (progress as JobProgress | null)?.runner;
  return r ? ` on ${r.host} (pid ${r.pid})` : '';
}

/** One attempt as a job. */
class RemoteExecution implements Execution {
  readonly taskId: string;
  readonly jobId: string;
  readonly pid = null;
  readonly pgid = null;
  readonly done: Promise<ExecutionOutcome>;
  runner: { host: string; pid: number } | null = null;
  /** Last output stream entry read. */
  streamPosition = '0';
  readonly #x: BullmqExecutor;
  readonly #log: LogSink;
  readonly #events = new EventEmitter();
  #resolve!: (o: ExecutionOutcome) => void;
  #settled = false;
  #taken = false;
  #enqueued = false;
  #stopping: Promise<void> | null = null;
  #model: string | null = null;
  readonly #startedAt = Date.now();

  constructor(x: BullmqExecutor, spec: TaskRunSpec, jobId: string, log: LogSink) {
    this.#x = x;
    this.taskId = spec.task.id;
    this.jobId = jobId;
    this.#log = log;
    this.done = new Promise((r) => {
      this.#resolve = r;
    });
  }

  get logPath(): string {
    return this.#log.path;
  }

  on<E extends keyof ExecutionEvents>(e: E, l: (...args: ExecutionEvents[E]) => void): this {
    this.#events.on(e, l as (...args: unknown[]) => void);
    return this;
  }

  off<E extends keyof ExecutionEvents>(e: E, l: (...args: ExecutionEvents[E]) => void): this {
    this.#events.off(e, l as (...args: unknown[]) => void);
    return this;
  }

  /** Queues the job, or follows the one already there (a restarted or requeued attempt). */
  async begin(data: ReturnType<typeof jobDataOf>, priority: number): Promise<void> {
    try {
      // The same attempt again right after its outcome (an interruption): its old job goes first.
      await this.#x.removal(this.jobId);
      const existing = await this.#x.queue.getJob(this.jobId);
      if (existing) {
        this.#enqueued = true;
        await this.#look(existing);
        return;
      }
      await this.#x.queue.add(JOB_NAME, data, {
        jobId: this.jobId,
        priority,
        attempts: 1,
        removeOnComplete: false,
        removeOnFail: false,
      });
      this.#enqueued = true;
    } catch (e) {
      this.#finish(lost(`could not queue ${this.jobId}: ${errorText(e)}`, true), false);
    }
  }

  /** A direct look at the job (events can be missed while Redis restarts). */
  async check(): Promise<void> {
    if (this.#settled || !this.#enqueued) return;
    const job = await this.#x.queue.getJob(this.jobId);
    if (!job) {
      // Gone without an outcome (a Redis that lost its data): queue the attempt again.
      if (this.#stopping)
        this.#finish(interruptedOutcome('stopped before a worker took it'), false);
      else this.#finish(lost(`job ${this.jobId} vanished from the queue`, true), false);
      return;
    }
    await this.#look(job);
  }

  async #look(job: Job): Promise<void> {
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') {
      // `job` may have been read while it still ran: its outcome is read again now it is final.
      const final = (await this.#x.queue.getJob(this.jobId)) ?? job;
      if (state === 'completed') return this.finished(outcomeFromWire(final.returnvalue));
      return this.failedInQueue(final.failedReason);
    }
    if (state !== 'active') {
      // Back in the queue after a worker took it: that worker was lost.
      if (this.runner !== null) this.stalled();
      return;
    }
    // Who holds it now is what BullMQ recorded at the take; the progress may be a lost worker's.
    const holder = runnerOfName(job.processedBy);
    if (holder) this.#holder(holder);
    if (job.progress && typeof job.progress === 'object' && holder) {
      const p = job.progress as JobProgress;
      if (p.runner && sameRunner(p.runner, holder)) this.progress(p);
    }
  }

  /** The worker holding the job; a different one than before means the first was lost. */
  #holder(runner: { host: string; pid: number }): void {
    if (this.#settled) return;
    if (this.runner === null) {
      this.runner = { host: runner.host, pid: runner.pid };
      this.#events.emit('started');
    } else if (!sameRunner(this.runner, runner)) {
      this.stalled();
    }
  }

  progress(p: JobProgress): void {
    if (this.#settled || !p || typeof p !== 'object') return;
    if (p.runner) {
      this.#holder({ host: String(p.runner.host), pid: Number(p.runner.pid) });
      if (this.#settled) return;
    }
    if (p.model && p.model !== this.#model) {
      this.#model = p.model;
      this.#events.emit('init', { model: p.model });
    }
    if (p.usage) {
      this.#events.emit('tokens', {
        usage: { ...zeroUsage(), ...p.usage },
        costUsd: p.costUsd ?? null,
        model: p.model ?? null,
      });
    }
    if (p.step) this.#events.emit('activity', p.step);
  }

  output(id: string, chunk: Buffer): void {
    this.streamPosition = id;
    try {
      this.#log.write(chunk);
    } catch {
      // The orchestrator's copy is best effort; the worker keeps its own log.
    }
  }

  finished(reported: ExecutionOutcome): void {
    const outcome = this.#withLocalLog(reported);
    if (this.#stopping && !outcome.ok && outcome.kind !== 'interrupted') {
      this.#finish({ ...outcome, kind: 'interrupted' }, true);
      return;
    }
    this.#finish(outcome, true);
  }

  /**
   * A worker's failure message names its own copy of the log, a path on another machine; the
   * user reads the copy streamed beside the state, so the message names that one.
   */
  #withLocalLog(reported: ExecutionOutcome): ExecutionOutcome {
    const { workerLogPath: remote, ...outcome } = reported as ExecutionOutcome & {
      workerLogPath?: unknown;
    };
    if (outcome.ok || typeof remote !== 'string' || remote === '') return outcome;
    return { ...outcome, message: outcome.message.split(remote).join(this.#log.path) };
  }

  failedInQueue(reason: string): void {
    if (/stalled more than allowable limit/i.test(reason)) {
      this.#finish(
        lost(`the workers running it were lost too often (${reason}); last: ${this.#who()}`, false),
        true,
      );
    } else {
      this.#finish(
        { ...base('spawn_error', `the worker could not run it: ${reason}`), retryable: false },
        true,
      );
    }
  }

  /** Its worker stopped renewing the lock: the queue put the job back for another worker. */
  stalled(): void {
    if (this.#settled) return;
    this.#finish(
      lost(`worker ${this.#who()} stopped answering; the job is back in the queue`, true),
      false,
    );
  }

  #who(): string {
    return this.runner ? `${this.runner.host} (pid ${this.runner.pid})` : 'unknown';
  }

  /**
   * Hands the outcome over once. A terminal outcome (`taken`) stays in Redis until the orchestrator
   * has recorded it (acknowledge): a job left in Redis is an outcome not yet recorded.
   */
  #finish(outcome: ExecutionOutcome, taken: boolean): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#taken = taken;
    const durationMs = outcome.durationMs || Date.now() - this.#startedAt;
    const finalOutcome = { ...outcome, durationMs };
    void (async () => {
      if (taken) await this.#drainLog();
      this.#log.close();
      this.#x.forget(this.jobId, this);
      this.#resolve(finalOutcome);
    })();
  }

  acknowledge(): void {
    if (!this.#taken) return;
    this.#taken = false;
    this.#x.removing(this.jobId, this.#x.discard(this.jobId));
  }

  /** Output written before the outcome that the reading loop has not fetched yet. */
  async #drainLog(): Promise<void> {
    const rest = (await this.#x.redis
      .xrangeBuffer(this.#x.keys.log(this.jobId), `(${this.streamPosition}`, '+')
      .catch(() => [])) as unknown as [Buffer, Buffer[]][];
    for (const [id, fields] of rest) this.output(String(id), fields[1]!);
  }

  stop(options: { force?: boolean } = {}): Promise<void> {
    this.#stopping ??= (async () => {
      if (!this.#settled) {
        const removed = await this.#x.queue
          .remove(this.jobId)
          .then((n) => n === 1)
          .catch(() => false);
        if (removed) this.#finish(interruptedOutcome('stopped before a worker took it'), false);
        else {
          await this.#x.redis.sadd(this.#x.keys.cancelSet, this.jobId).catch(() => {});
          await this.#x.redis.publish(this.#x.keys.cancelChannel, this.jobId).catch(() => {});
        }
      }
      await this.done;
    })();
    if (options.force) {
      void this.#x.redis.publish(this.#x.keys.cancelChannel, `force:${this.jobId}`).catch(() => {});
    }
    return this.#stopping;
  }
}

function base(kind: ExecutionFailure['kind'], message: string): ExecutionFailure {
  return {
    ok: false,
    kind,
    message,
    exitCode: null,
    signal: null,
    timedOut: false,
    retryable: true,
    resetAt: null,
    usage: zeroUsage(),
    costUsd: null,
    model: null,
    durationMs: 0,
  };
}

function lost(message: string, requeued: boolean): ExecutionFailure {
  return { ...base('worker_lost', message), ...(requeued ? { requeued: true } : {}) };
}

function interruptedOutcome(message: string): ExecutionFailure {
  return base('interrupted', message);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
