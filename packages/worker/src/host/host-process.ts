/**
 * The worker host: a small Node process that runs `startWorker` for a WorkerHost client over IPC.
 * Why a process of its own: spawning forks the spawning process, and fork costs grow with that
 * process's memory; the orchestrator holds the plan, the state and the view, this one holds only
 * its workers. It also spawns on a core of its own while the orchestrator schedules.
 *
 * It lives exactly as long as its client: when the IPC channel closes (the client closed it, exited
 * or was killed), it stops every worker still running (SIGTERM to the group, grace, SIGKILL) and
 * exits, so a crashed orchestrator leaves no agent running unsupervised.
 */
import { setFlagsFromString } from 'node:v8';
import { WorkerError } from '../errors.js';
import { startWorker } from '../start-worker.js';
import type { StartWorkerOptions, WorkerProcess } from '../types.js';
import { type FromHost, failedBeforeOutput, serializeResult, type ToHost } from './protocol.js';

// Every fork copies this process's page tables: keep its heap near its live size for the hours a
// run lasts (the young generation at its starting size, the old one at most 30% past live data).
// Without this a 10,000-task run grew the host to ~94 MB.
setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--heap-growing-percent=30');

const running = new Map<number, WorkerProcess>();
let closing = false;

function send(message: FromHost): void {
  // The client can die between the check and the write. Without a callback the failed write
  // (EPIPE) is thrown as an uncaught 'error' and the host would die with its workers still
  // running; with one, the 'disconnect' that follows stops them.
  if (process.connected) process.send?.(message, undefined, undefined, ignoreSendError);
}

function ignoreSendError(): void {}

function start(k: number, options: StartWorkerOptions): void {
  let worker: WorkerProcess;
  try {
    worker = startWorker(options);
  } catch (error) {
    // The client checked what startWorker throws for; anything else is reported, not fatal.
    const failure = new WorkerError(
      'SPAWN_FAILED',
      `Task ${options.task.id}: the worker host could not start it: ${(error as Error)?.message}`,
      { cause: error },
    );
    const result = failedBeforeOutput(
      failure,
      '',
      0,
      'no log was written: the task was not started',
    );
    send({ t: 'done', k, result: serializeResult(result) });
    return;
  }
  running.set(k, worker);
  worker.on('spawn', () =>
    send({ t: 'spawn', k, pid: worker.pid, pgid: worker.pgid, argv: worker.argv }),
  );
  worker.on('init', (info) => send({ t: 'init', k, info }));
  worker.on('tokens', (update) => send({ t: 'tokens', k, update }));
  worker.on('activity', (line) => send({ t: 'activity', k, line }));
  void worker.done.then((result) => {
    running.delete(k);
    send({ t: 'done', k, result: serializeResult(result) });
    if (closing && running.size === 0) process.exit(0);
  });
}

function closeHost(): void {
  closing = true;
  if (running.size === 0) process.exit(0);
  for (const worker of running.values()) void worker.terminate();
}

process.on('message', (message: ToHost) => {
  if (message.t === 'start') start(message.k, message.o);
  else if (message.t === 'terminate') void running.get(message.k)?.terminate();
  else if (message.t === 'close') closeHost();
});

// The channel closed without a `close` (the client exited or was killed): nobody is left to
// report to, but the workers must still stop.
process.on('disconnect', closeHost);

// The host runs in a session of its own, but a signal meant for the orchestrator's terminal can
// still reach it through a shell that signals a whole job: the client decides when workers stop.
for (const signal of ['SIGINT', 'SIGHUP'] as const) process.on(signal, () => {});
