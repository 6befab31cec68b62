// The BullMQ executor against the local one, through the built `nova` binary, in one invocation:
// 2,000 no-op tasks (`true`) in a layered DAG, run once through Redis by 4 `nova worker`s x 8 slots
// (`nova run --executor bullmq -j 32`) and once by the local executor with 32 slots (`-j 32`).
// Reported: tasks per second of each, their ratio, what the queue costs per task over local
// (target <= 2 ms), and the orchestrator's peak RSS (VmHWM) in the queued run.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timed } from '../lib/process.mjs';

export const title = 'queue';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '../../apps/cli/dist/bin.js');
const TASKS = 2000;
const WIDTH = 200;
const WORKERS = 4;
const SLOTS = 8;

function plan() {
  const rows = [];
  for (let i = 0; i < TASKS; i++) {
    const layer = Math.floor(i / WIDTH);
    // Each task after the first layer depends on two tasks of the layer before it.
    const deps =
      layer === 0
        ? []
        : [
            ...new Set([
              (layer - 1) * WIDTH + (i % WIDTH),
              (layer - 1) * WIDTH + ((i * 7) % WIDTH),
            ]),
          ];
    rows.push(`| T${i} | Task ${i} | step ${i} | ${deps.map((d) => `T${d}`).join(', ') || '-'} |`);
  }
  return [
    '# Queue Bench',
    '',
    '## L1: Main',
    '',
    '### L2: All',
    '',
    '| Task ID | Task Name | What Changes | Depends On |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Runs nova to its end: { ms, code, peakKb, stderr }, VmHWM sampled every 20 ms. */
function novaRun(cwd, args) {
  return timed(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    sampleRss: true,
  });
}

async function waitForLine(child, text) {
  let out = '';
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes(text)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`nova worker exited ${code}`)));
  });
}

export async function run() {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    return [{ name: 'skipped', note: 'redis-server is not installed' }];
  }
  const dir = mkdtempSync(join(tmpdir(), 'nova-bench-queue-'));
  writeFileSync(join(dir, 'CASCADE.md'), plan());
  const port = await freePort();
  const redis = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const workers = [];
  try {
    for (let i = 0; i < WORKERS; i++) {
      const w = spawn(
        process.execPath,
        [BIN, 'worker', '--redis', url, '-c', String(SLOTS), '--worker-cmd', 'true'],
        { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      workers.push(w);
    }
    // A worker that starts before Redis listens exits with REDIS_UNREACHABLE: start Redis first.
    await Promise.all(workers.map((w) => waitForLine(w, 'queue nova-queue-bench')));
    const queued = await novaRun(dir, [
      'run',
      '--executor',
      'bullmq',
      '--redis',
      url,
      '-j',
      String(WORKERS * SLOTS),
      '--state',
      'queued.json',
      '--logs',
      'queued-logs',
    ]);
    if (queued.code !== 0)
      throw new Error(`queued run exited ${queued.code}: ${queued.stderr.slice(-500)}`);
    const local = await novaRun(dir, [
      'run',
      '--worker-cmd',
      'true',
      '-j',
      String(WORKERS * SLOTS),
      '--workspace',
      'shared',
      '--state',
      'local.json',
      '--logs',
      'local-logs',
    ]);
    if (local.code !== 0)
      throw new Error(`local run exited ${local.code}: ${local.stderr.slice(-500)}`);
    const qRate = TASKS / (queued.ms / 1000);
    const lRate = TASKS / (local.ms / 1000);
    const perTask = (queued.ms - local.ms) / TASKS;
    return [
      {
        name: `tasks/s through Redis, ${TASKS} no-op tasks, ${WORKERS} workers x ${SLOTS} slots`,
        value: qRate,
        unit: 'tasks/s',
        baseline: lRate,
        ratio: qRate / lRate,
        note: `baseline = the local executor, -j ${WORKERS * SLOTS}, same plan, same invocation; ${(queued.ms / 1000).toFixed(1)} s vs ${(local.ms / 1000).toFixed(1)} s`,
      },
      {
        name: 'what the queue costs per task over local',
        value: perTask,
        unit: 'ms',
        target: '<= 2 ms',
        pass: perTask <= 2,
        note: '(queued wall time - local wall time) / tasks; node start and plan parse cancel out',
      },
      {
        name: 'nova run --executor bullmq peak RSS (orchestrator)',
        value: queued.peakKb / 1024,
        unit: 'MB',
        baseline: local.peakKb / 1024,
        ratio: queued.peakKb / local.peakKb,
        note: 'VmHWM sampled every 20 ms; baseline = the local run (its worker host process not counted)',
      },
    ];
  } finally {
    for (const w of workers) w.kill('SIGINT');
    await Promise.all(
      workers.map((w) => (w.exitCode === null ? new Promise((r) => w.once('exit', r)) : null)),
    );
    redis.kill('SIGTERM');
    await new Promise((r) => (redis.exitCode === null ? redis.once('exit', r) : r()));
    rmSync(dir, { recursive: true, force: true });
  }
}
