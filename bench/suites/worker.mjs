// Worker bench: (1) a worker whose process prints 2 GiB keeps the parent's RSS flat; (2) per-spawn
// overhead of startWorker against a bare child_process.spawn of the same command.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const title = 'worker';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '../../packages/worker/dist/index.js');
const GiB = 1024 ** 3;
const FLOOD_BYTES = 2 * GiB;

// The child: 2 GiB on stdout with back-pressure. Mostly 1 KiB text lines, an assistant event every
// 1,000 lines (so the JSON path runs), and one 64 MiB line without a newline (the line splitter
// must drop it, not buffer it), then a result event.
const FLOOD = `
const total = Number(process.argv[1]);
const text = Buffer.from('x'.repeat(1023) + '\\n');
const block = Buffer.concat(Array.from({ length: 64 }, () => text));
const event = (i) => Buffer.from(JSON.stringify({ type: 'assistant', message: { id: 'm' + i, usage: { input_tokens: 10, output_tokens: 1 } } }) + '\\n');
const hugeChunk = Buffer.alloc(1024 * 1024, 0x7b);
let written = 0, i = 0, huge = 0;
function next() {
  while (written < total - 4096) {
    let chunk;
    if (written > total / 2 && huge < 64) { chunk = hugeChunk; huge++; if (huge === 64) chunk = Buffer.concat([hugeChunk, Buffer.from('\\n')]); }
    else if (i++ % 16 === 0) chunk = event(i);
    else chunk = block;
    written += chunk.length;
    if (!process.stdout.write(chunk)) return process.stdout.once('drain', next);
  }
  process.stdout.write(JSON.stringify({ type: 'result', is_error: false, usage: { input_tokens: 1, output_tokens: 1 } }) + '\\n');
}
next();
`;

// Runs in a separate node process so only the parent's own memory is measured.
const PARENT = `
const { startWorker } = await import(process.env.WORKER_DIST);
const [flood, bytes, logsDir, cap] = process.argv.slice(1);
let peak = process.memoryUsage().rss;
const idle = peak;
const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
const t0 = performance.now();
const w = startWorker({ task: { id: 'FLOOD', name: 'flood', description: '', branch: 'b', group: 'g', dependsOn: [] }, project: 'bench', command: [process.execPath, '-e', flood, bytes], stdin: null, logsDir, maxLogBytes: Number(cap) });
const r = await w.done;
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
const { statSync } = await import('node:fs');
console.log(JSON.stringify({ ok: r.ok, code: r.ok ? null : r.error.code, peak, idle, ms: performance.now() - t0, logBytes: statSync(w.logPath).size, input: r.usage.input_tokens }));
`;

function runParent(logsDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        PARENT,
        FLOOD,
        String(FLOOD_BYTES),
        logsDir,
        String(FLOOD_BYTES + GiB / 2),
      ],
      { env: { ...process.env, WORKER_DIST: dist }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`memory bench parent exited ${code}: ${out}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)));
    });
  });
}

function bareSpawn(command) {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { stdio: 'pipe' });
    child.stdout.resume();
    child.stderr.resume();
    child.stdin.end();
    child.on('error', reject);
    child.on('close', resolve);
  });
}

async function spawnOverhead(startWorker, logsDir, command, rounds, perRound) {
  let bare = 0;
  let worker = 0;
  let n = 0;
  const one = (i) =>
    startWorker({
      task: {
        id: `S${i % 50}`,
        name: 's',
        description: '',
        branch: 'b',
        group: 'g',
        dependsOn: [],
      },
      project: 'bench',
      command,
      stdin: null,
      logsDir,
    }).done;
  for (let i = 0; i < 10; i++) {
    await bareSpawn(command);
    await one(i);
  }
  // Interleaved rounds so drift on a shared machine hits both sides alike.
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    for (let i = 0; i < perRound; i++) await bareSpawn(command);
    bare += performance.now() - t;
    t = performance.now();
    for (let i = 0; i < perRound; i++) {
      const res = await one(n++);
      if (!res.ok) throw new Error(`startWorker failed: ${res.error.message}`);
    }
    worker += performance.now() - t;
  }
  const runs = rounds * perRound;
  return { bareMs: bare / runs, workerMs: worker / runs };
}

export async function run() {
  const rows = [];
  const { startWorker } = await import(dist);
  const tmp = mkdtempSync(join(tmpdir(), 'nova-bench-worker-'));
  try {
    for (const [label, command] of [
      ['true', ['true']],
      ['node -e ""', [process.execPath, '-e', '']],
    ]) {
      const { bareMs, workerMs } = await spawnOverhead(
        startWorker,
        join(tmp, 'spawn-logs'),
        command,
        5,
        label === 'true' ? 40 : 10,
      );
      rows.push({
        name: `per-spawn time, ${label}`,
        value: workerMs,
        unit: 'ms',
        baseline: bareMs,
        ratio: workerMs / bareMs,
        note: `startWorker (log file, rotation, parsing, group reap) vs bare child_process.spawn; overhead ${(workerMs - bareMs).toFixed(2)} ms/spawn`,
      });
    }

    const m = await runParent(join(tmp, 'flood-logs'));
    rows.push({
      name: 'parent RSS peak, worker printing 2 GiB',
      value: m.peak / 1024 ** 2,
      unit: 'MB',
      baseline: m.idle / 1024 ** 2,
      ratio: m.peak / m.idle,
      target: '<= 150 MB',
      pass: m.peak <= 150 * 1024 ** 2 && m.ok && m.logBytes >= FLOOD_BYTES,
      note: `baseline = the parent's RSS before the spawn; log ${(m.logBytes / GiB).toFixed(2)} GiB written (cap 2.5 GiB, so all of it flowed through), outcome ${m.ok ? 'ok' : m.code}`,
    });
    rows.push({
      name: '2 GiB through the worker to its log',
      value: m.logBytes / 1024 ** 2 / (m.ms / 1000),
      unit: 'MB/s',
      note: `${(m.ms / 1000).toFixed(1)} s, includes a 64 MiB line without newline`,
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return rows;
}
