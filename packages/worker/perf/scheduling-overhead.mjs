// Measures the scheduling overhead target of bench/README.md, for the engineer who writes the bench suite:
// (1) 1,000 no-op tasks (`true`) in a layered plan through the orchestrator with 8 workers, against a
// bare Node loop spawning the same processes 8 at a time, each side in a fresh process, interleaved;
// (2) start latency on a chain, from a dependency's exit (as the orchestrator's process sees it) to
// its dependent's spawn. Needs the built dists: `pnpm turbo run build --filter=@program-nova/orchestrator...`.
// Usage: node packages/worker/perf/scheduling-overhead.mjs [rounds]   (ORCH=<orchestrator dist> to compare)
import cp, { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ORCH =
  process.env.ORCH ??
  fileURLToPath(new URL('../../orchestrator/dist/index.js', import.meta.url).href);
const WORKERS = 8;

function planText(rows) {
  const lines = ['# Bench', '', '## L1: Main', '', '### L2: Work', ''];
  lines.push('| Task ID | Task Name | What Changes | Depends On |', '|---|---|---|---|');
  for (const [id, deps] of rows)
    lines.push(`| ${id} | Task ${id} | Do ${id} | ${deps.join(', ') || '-'} |`);
  return `${lines.join('\n')}\n`;
}

/** 10 layers of 100; each task depends on two of the layer above. */
function layered(layers = 10, width = 100) {
  const rows = [];
  for (let l = 0; l < layers; l++)
    for (let i = 0; i < width; i++)
      rows.push([`T${l}_${i}`, l === 0 ? [] : [`T${l - 1}_${i}`, `T${l - 1}_${(i + 1) % width}`]]);
  return rows;
}

async function bareLoop(n) {
  const t0 = performance.now();
  await new Promise((resolve) => {
    let started = 0;
    let done = 0;
    let active = 0;
    const pump = () => {
      while (active < WORKERS && started < n) {
        started++;
        active++;
        const c = spawn('true', [], { stdio: 'pipe' });
        c.stdout.resume();
        c.stderr.resume();
        c.stdin.end();
        c.on('close', () => {
          active--;
          if (++done === n) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  return performance.now() - t0;
}

async function orchestrated(rows, onPid) {
  const { Orchestrator } = await import(ORCH);
  const dir = mkdtempSync(join(tmpdir(), 'nova-sched-'));
  try {
    writeFileSync(join(dir, 'CASCADE.md'), planText(rows));
    const o = new Orchestrator({
      cascadeFile: join(dir, 'CASCADE.md'),
      stateFile: join(dir, 'cascade_state.json'),
      maxWorkers: WORKERS,
      workerCommand: ['true'],
      workerStdin: null,
    });
    if (onPid) o.on('task:started', (e) => onPid(e.id, e.pid));
    const t0 = performance.now();
    const r = await o.run();
    if (r.outcome !== 'completed') throw new Error(`run ended ${r.outcome}`);
    return performance.now() - t0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function latency(n = 300) {
  const spawnedAt = new Map();
  const exitedAt = new Map();
  const original = cp.spawn;
  cp.spawn = function patched(...args) {
    const child = original.apply(this, args);
    const t = performance.now();
    child.once('spawn', () => spawnedAt.set(child.pid, t));
    child.once('exit', () => exitedAt.set(child.pid, performance.now()));
    return child;
  };
  const pids = new Map();
  const rows = Array.from({ length: n }, (_, i) => [`C${i}`, i ? [`C${i - 1}`] : []]);
  await orchestrated(rows, (id, pid) => pids.set(id, pid));
  cp.spawn = original;
  const lat = [];
  for (let i = 1; i < n; i++)
    lat.push(spawnedAt.get(pids.get(`C${i}`)) - exitedAt.get(pids.get(`C${i - 1}`)));
  lat.sort((a, b) => a - b);
  return { p50: lat[Math.floor(lat.length / 2)], p99: lat[Math.floor(lat.length * 0.99)] };
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === '--child') {
  const ms = process.argv[3] === 'bare' ? await bareLoop(1000) : await orchestrated(layered());
  console.log(ms);
} else {
  const rounds = Number(process.argv[2] ?? 5);
  const runChild = (what) =>
    Number(
      execFileSync(process.execPath, [self, '--child', what], {
        encoding: 'utf8',
        env: process.env,
      }),
    );
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    const bare = runChild('bare');
    const nova = runChild('nova');
    ratios.push(nova / bare);
    console.log(
      `round ${r + 1}: bare loop ${bare.toFixed(0)} ms, orchestrator ${nova.toFixed(0)} ms, ratio ${(nova / bare).toFixed(2)}`,
    );
  }
  ratios.sort((a, b) => a - b);
  console.log(`median ratio ${ratios[Math.floor(ratios.length / 2)].toFixed(2)} (target <= 1.25)`);
  const l = await latency();
  console.log(
    `start latency on a 300-task chain: p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms (targets 5 / 25)`,
  );
}
