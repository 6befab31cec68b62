/**
 * One attempt as one BullMQ job, seen from the orchestrator: queued, followed through the queue's
 * events and periodic looks, its output streamed into the local log, its outcome taken once.
 */
import { EventEmitter } from 'node:events';
import { zeroUsage } from '@program-nova/core';
import {
  type Execution,
  type ExecutionEvents,
  type ExecutionFailure,
  type ExecutionOutcome,
  failureOutcome,
  type TaskRunSpec,
} from '@program-nova/orchestrator';
import type { Job } from 'bullmq';
import type { BullmqExecutor } from './bullmq-executor.js';
import { JOB_NAME, type JobProgress, type jobDataOf, outcomeFromWire } from './job-data.js';
import type { LogSink } from './log-sink.js';
import { type OutputEnd, takeOutputEnd } from './output-wire.js';
import { runnerOfName, sameRunner } from './runner.js';

export function runnerText(progress: unknown): string {
  const r = (progress as JobProgress | null)?.runner;
  return r ? ` on ${r.host} (pid ${r.pid})` : '';
}

/** One attempt as a job. */
export class RemoteExecution implements Execution {
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
  /** How the worker's output ends, as its outcome said (null: read the stream to its end). */
  #end: OutputEnd | null = null;
  /** Found in the queue rather than queued here: another orchestrator may have asked to cancel it. */
  #adopted = false;
  #ok = false;
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
      // A job already there (a restarted run's) is left as it is: BullMQ announces the add as
      // `duplicated` and the job is looked at then, which spares every other start a round trip.
      await this.#x.queue.add(JOB_NAME, data, {
        jobId: this.jobId,
        priority,
        attempts: 1,
        removeOnComplete: false,
        removeOnFail: false,
      });
      this.#enqueued = true;
      if (this.#adopted) await this.check();
    } catch (e) {
      this.#finish(lost(`could not queue ${this.jobId}: ${errorText(e)}`, true), false);
    }
  }

  /** Ends the attempt before its job was queued (nothing of it runs anywhere). */
  abandon(outcome: ExecutionFailure): void {
    this.#finish(outcome, false);
  }

  /** The queue already held this job (announced by its `duplicated` event): it is followed. */
  duplicated(): void {
    if (this.#adopted) return;
    this.#adopted = true;
    // Before the add's reply, begin() looks once it has it.
    if (this.#enqueued) void this.check().catch(() => {});
  }

  /** A direct look at the job (events can be missed while Redis restarts). */
  async check(): Promise<void> {
    if (this.#settled || !this.#enqueued) return;
    const job = await this.#x.queue.getJob(this.jobId);
    if (!job) {
      // Gone without an outcome (a Redis that lost its data): queue the attempt again.
      if (this.#stopping)
        this.#finish(failureOutcome('interrupted', 'stopped before a worker took it', true), false);
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
    if (job.progress && typeof job.progress === 'object' && holder && !this.#settled) {
      const p = job.progress as JobProgress;
      if (p.runner && sameRunner(runnerOf(p.runner), holder)) this.#figures(p);
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

  /**
   * A progress event. The queue's events name a job by its id alone, and an interrupted attempt is
   * queued again under the same id: an event may be the removed job's, arriving late. So a runner
   * not yet known to hold the job is believed only from a look at the job itself.
   */
  progress(p: JobProgress): void {
    if (this.#settled || !p || typeof p !== 'object') return;
    if (p.runner && !(this.runner && sameRunner(this.runner, runnerOf(p.runner)))) {
      this.lookAgain();
      return;
    }
    this.#figures(p);
  }

  /** An event saying the job finished, failed or stalled (maybe a late one, see progress()). */
  lookAgain(): void {
    void this.check().catch(() => {});
  }

  #figures(p: JobProgress): void {
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
    if (this.#settled) return;
    const { outcome: rest, end } = takeOutputEnd(reported);
    this.#end = end;
    const outcome = this.#withLocalLog(rest);
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
        failureOutcome('spawn_error', `the worker could not run it: ${reason}`, false),
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
    this.#ok = outcome.ok;
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
    // Nova's own keys for the job exist only if output went through its stream or a cancel was asked.
    const end = this.#end;
    const streamed = end === null || end.last !== '' || this.streamPosition !== '0';
    // A failure may be a stop asked by a run that died before clearing it: cleared, to be safe.
    const cancelAsked = this.#stopping !== null || this.#adopted || !this.#ok;
    this.#x.removing(this.jobId, this.#x.discard(this.jobId, { streamed, cancelAsked }));
  }

  /** Output written before the outcome that the reading loop has not fetched yet. */
  async #drainLog(): Promise<void> {
    const end = this.#end;
    // The stream is read again only past what the reading loop got, and only if the worker added
    // entries the loop has not seen (or did not say).
    if (end === null || (end.last !== '' && end.last !== this.streamPosition)) {
      const rest = (await this.#x.redis
        .xrangeBuffer(this.#x.keys.log(this.jobId), `(${this.streamPosition}`, '+')
        .catch(() => [])) as unknown as [Buffer, Buffer[]][];
      for (const [id, fields] of rest) this.output(String(id), fields[1]!);
    }
    if (end?.tail && end.tail.length > 0) this.output(this.streamPosition, end.tail);
  }

  stop(options: { force?: boolean } = {}): Promise<void> {
    this.#stopping ??= (async () => {
      if (!this.#settled) {
        const removed = await this.#x.queue
          .remove(this.jobId)
          .then((n) => n === 1)
          .catch(() => false);
        if (removed)
          this.#finish(
            failureOutcome('interrupted', 'stopped before a worker took it', true),
            false,
          );
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

function runnerOf(r: { host: unknown; pid: unknown }): { host: string; pid: number } {
  return { host: String(r.host), pid: Number(r.pid) };
}

function lost(message: string, requeued: boolean): ExecutionFailure {
  return {
    ...failureOutcome('worker_lost', message, true),
    ...(requeued ? { requeued: true } : {}),
  };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
