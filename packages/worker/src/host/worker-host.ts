import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logFileName } from '@program-nova/core';
import { emitSafely } from '../emit-safely.js';
import { WorkerError } from '../errors.js';
import { assertStartable } from '../launch.js';
import { killProcessGroup } from '../process-group.js';
import type {
  StartWorkerOptions,
  TokenUpdate,
  WorkerEvents,
  WorkerProcess,
  WorkerResult,
} from '../types.js';
import {
  deserializeResult,
  type FromHost,
  failedBeforeOutput,
  type ToHost,
  workerTaskOf,
} from './protocol.js';

export interface WorkerHostOptions {
  /**
   * Environment of the host processes, and of every worker whose start names no `env` of its own
   * (default process.env, as it is now).
   */
  env?: NodeJS.ProcessEnv;
  /**
   * Host processes to spread the workers over (default 1). Each spawns on a core of its own, so on
   * a machine with cores to spare two start short tasks faster than one.
   */
  processes?: number;
}

/** Starts workers from separate, lean host processes. `start` keeps startWorker's contract. */
export interface WorkerHost {
  /** Pids of the host processes now running. */
  readonly pids: readonly number[];
  /** Like `startWorker`, except that `pid`, `pgid` and `argv` are known from the `spawn` event on. */
  start(options: StartWorkerOptions): WorkerProcess;
  /**
   * The hosts stop any worker still running, report their outcomes and exit. Resolves once they
   * have exited. Starting again afterwards starts new hosts.
   */
  close(): Promise<void>;
}

/** A host that died under running tasks this many times in a row is not started again. */
const MAX_HOST_CRASHES = 3;

type Channel = { ref(): void; unref(): void };

const SCRIPT = fileURLToPath(new URL('./host-process.js', import.meta.url));

export function createWorkerHost(options: WorkerHostOptions = {}): WorkerHost {
  const count = Math.max(1, Math.floor(options.processes ?? 1));
  return new HostPool(options.env ?? process.env, count);
}

class HostPool implements WorkerHost {
  readonly #env: NodeJS.ProcessEnv;
  readonly #hosts: HostProcess[];
  #next = 0;

  constructor(env: NodeJS.ProcessEnv, count: number) {
    this.#env = env;
    // Booted now, while the caller still has work of its own (parsing a plan) to overlap with.
    this.#hosts = Array.from({ length: count }, () => new HostProcess(env));
  }

  get pids(): number[] {
    return this.#hosts.map((h) => h.pid).filter((pid): pid is number => pid !== null);
  }

  start(options: StartWorkerOptions): WorkerProcess {
    assertStartable(options);
    const { env, ...rest } = options;
    const o: StartWorkerOptions = {
      ...rest,
      task: workerTaskOf(options.task),
      logsDir: resolve(options.logsDir),
      ...(options.cwd !== undefined ? { cwd: resolve(options.cwd) } : {}),
      ...(options.stateFile !== undefined ? { stateFile: resolve(options.stateFile) } : {}),
      ...(env !== undefined && env !== this.#env ? { env } : {}),
    };
    // The least busy host (the first of them on a tie).
    let host = this.#hosts[0]!;
    for (const h of this.#hosts) if (h.load < host.load) host = h;
    return host.start(++this.#next, o);
  }

  async close(): Promise<void> {
    await Promise.all(this.#hosts.map((h) => h.close()));
  }
}

/** One host process (started again on demand after it exited) and the workers it runs. */
class HostProcess {
  readonly #env: NodeJS.ProcessEnv;
  readonly #pending = new Map<number, RemoteWorker>();
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #crashes = 0;

  constructor(env: NodeJS.ProcessEnv) {
    this.#env = env;
    this.#ensureChild();
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  get load(): number {
    return this.#pending.size;
  }

  start(k: number, o: StartWorkerOptions): WorkerProcess {
    const worker = new RemoteWorker(k, o, this);
    if (this.#crashes >= MAX_HOST_CRASHES) {
      worker.settle(
        failedFor(
          worker,
          new WorkerError(
            'SPAWN_FAILED',
            `Task ${worker.taskId}: not started: the worker host process exited unexpectedly ${this.#crashes} times in a row.`,
          ),
          'no log was written: the task was not started',
        ),
      );
      return worker;
    }
    const child = this.#ensureChild();
    this.#pending.set(k, worker);
    if (this.#pending.size === 1) channelOf(child)?.ref();
    this.#send({ t: 'start', k, o });
    return worker;
  }

  terminate(k: number): void {
    if (this.#pending.has(k)) this.#send({ t: 'terminate', k });
  }

  async close(): Promise<void> {
    const child = this.#child;
    if (child === null) return;
    // Wait for the host to finish stopping its workers, even if nothing else keeps us alive.
    child.ref();
    channelOf(child)?.ref();
    // The host stops its workers and reports their outcomes before it exits.
    this.#send({ t: 'close' });
    await this.#exited;
  }

  #send(message: ToHost): void {
    const child = this.#child;
    if (child?.connected) child.send(message);
  }

  #ensureChild(): ChildProcess {
    if (this.#child !== null) return this.#child;
    const child = spawn(process.execPath, [SCRIPT], {
      env: this.#env,
      // A session of its own: a Ctrl-C in the terminal reaches the orchestrator, which decides.
      detached: true,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'json',
    });
    this.#child = child;
    // Idle, the host must not keep the caller alive: the channel is referenced only while tasks run.
    child.unref();
    channelOf(child)?.unref();
    child.on('message', (message: FromHost) => this.#pending.get(message.k)?.receive(message));
    // A spawn failure of node itself shows up as 'error' and then 'exit'/'close'.
    child.on('error', () => {});
    this.#exited = new Promise((done) => {
      child.once('exit', (code, signal) => {
        if (this.#child === child) this.#child = null;
        const orphans = [...this.#pending.values()];
        this.#pending.clear();
        if (orphans.length > 0) this.#crashes++;
        for (const worker of orphans) worker.hostExited(code, signal);
        done();
      });
    });
    return child;
  }

  /** Called by a worker when its outcome is known. */
  settled(k: number, reportedByHost: boolean): void {
    this.#pending.delete(k);
    if (reportedByHost) this.#crashes = 0;
    if (this.#pending.size === 0 && this.#child !== null) channelOf(this.#child)?.unref();
  }
}

function failedFor(worker: RemoteWorker, error: WorkerError, logIncomplete: string): WorkerResult {
  return failedBeforeOutput(
    error,
    worker.logPath,
    Math.max(0, Date.now() - worker.startedAt.getTime()),
    logIncomplete,
  );
}

function channelOf(child: ChildProcess): Channel | null {
  return (child.channel as unknown as Channel | null | undefined) ?? null;
}

class RemoteWorker extends EventEmitter implements WorkerProcess {
  readonly taskId: string;
  readonly logPath: string;
  readonly startedAt = new Date();
  readonly done: Promise<WorkerResult>;
  pid: number | null = null;
  pgid: number | null = null;
  argv: readonly string[] = [];
  readonly #k: number;
  readonly #host: HostProcess;
  #resolve!: (result: WorkerResult) => void;
  #settled = false;
  #lastTokens: TokenUpdate | null = null;

  constructor(k: number, options: StartWorkerOptions, host: HostProcess) {
    super();
    this.#k = k;
    this.#host = host;
    this.taskId = options.task.id;
    this.logPath = join(resolve(options.logsDir), logFileName(options.task.id));
    this.done = new Promise((r) => {
      this.#resolve = r;
    });
  }

  receive(message: FromHost): void {
    switch (message.t) {
      case 'spawn':
        this.pid = message.pid;
        this.pgid = message.pgid;
        this.argv = Object.freeze([...message.argv]);
        this.#emit('spawn');
        break;
      case 'init':
        this.#emit('init', message.info);
        break;
      case 'tokens':
        this.#lastTokens = message.update;
        this.#emit('tokens', message.update);
        break;
      case 'activity':
        this.#emit('activity', message.line);
        break;
      case 'done':
        this.settle(deserializeResult(message.result), true);
        break;
    }
  }

  /** `reportedByHost`: the host itself sent the outcome (it is alive and well). */
  settle(result: WorkerResult, reportedByHost = false): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#host.settled(this.#k, reportedByHost);
    this.#resolve(result);
  }

  /** The host died under this attempt: stop what is left of it and report it as an interruption. */
  hostExited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#settled) return;
    if (this.pgid !== null) {
      try {
        // Its output pipes died with the host: nothing would log or account for it any more.
        killProcessGroup(this.pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
    const error = new WorkerError(
      'HOST_EXITED',
      `Task ${this.taskId}: the worker host process ${how} while the task ran, so it was stopped. Log: ${this.logPath}`,
    );
    try {
      appendFileSync(this.logPath, `\n# nova: failed HOST_EXITED: the worker host ${how}\n`);
    } catch {
      // The log is best effort here: the outcome still says what happened.
    }
    const result = failedFor(
      this,
      error,
      `the worker host that wrote it ${how}: what the task printed last may be missing`,
    );
    const tokens = this.#lastTokens;
    this.settle(
      tokens
        ? { ...result, usage: tokens.usage, costUsd: tokens.costUsd, model: tokens.model }
        : result,
    );
  }

  terminate(): Promise<void> {
    const settled = this.done.then(() => undefined);
    if (!this.#settled) this.#host.terminate(this.#k);
    return settled;
  }

  #emit(event: keyof WorkerEvents, ...args: unknown[]): void {
    emitSafely(this, event, args);
  }
}
