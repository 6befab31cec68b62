// Scheduling benchmarks (targets in bench/README.md), through the built `nova` binary (node boot and
// plan parse included) or, for the file-order baseline, the Orchestrator API:
//  - overhead: 1,000 no-op tasks (`true`) in a layered DAG, 8 workers, against a Node loop that
//    spawns the same processes 8 at a time in dependency order with the same per-task I/O as nova
//    (a prompt on stdin, stdout and stderr piped into one log file per task): the target; the same
//    loop without any I/O and `make -j8` are reported beside it;
//  - start latency: a dependency's exit (stamped by the worker itself) -> its dependent's first
//    instruction (stamped by the dependent), both on CLOCK_MONOTONIC, which is one clock for every
//    process of the machine; the workers are a tiny C program so that its own start-up (~0.3 ms of
//    exec + dynamic linking) is all that the figure adds to the real spawn instant;
//  - priority: critical-path order against plain file order (makespan), the section 8 plan and random DAGs;
//  - memory: nova's peak RSS (VmHWM) for a 10,000-task run, and for a worker printing 2 GiB.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const title = 'scheduling';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '../../apps/cli/dist/bin.js');
const ORCH = join(here, '../../packages/orchestrator/dist/index.js');
const WORKER = join(here, '../../packages/worker/dist/index.js');

// ---------------------------------------------------------------- plans

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** [{ id, deps, name, description }] in file order. */
function layered(total, width, seed = 1) {
  const r = rng(seed);
  const tasks = [];
  for (let i = 0; i < total; i++) {
    const layer = Math.floor(i / width);
    const deps = new Set();
    if (layer > 0) {
      const n = 1 + Math.floor(r() * 3);
      for (let k = 0; k < n; k++) deps.add(`T${(layer - 1) * width + Math.floor(r() * width)}`);
    }
    tasks.push({ id: `T${i}`, deps: [...deps], name: `Task ${i}`, description: `step ${i}` });
  }
  return tasks;
}

/**
 * A plan as people write them: a group (one task table) per `groupSize` tasks, ten groups per
 * branch. `groupSize: Infinity` puts every task in one table (the parser's worst case).
 */
function toMarkdown(tasks, groupSize = 100, project = 'Bench') {
  const out = [`# ${project}`, ''];
  for (let i = 0; i < tasks.length; i += groupSize) {
    const g = Math.floor(i / groupSize);
    if (g % 10 === 0) out.push(`## L1: Branch ${g / 10}`, '');
    out.push(
      `### L2: Group ${g}`,
      '',
      '| Task ID | Task Name | What Changes | Depends On |',
      '| --- | --- | --- | --- |',
    );
    for (const t of tasks.slice(i, i + groupSize)) {
      out.push(`| ${t.id} | ${t.name} | ${t.description} | ${t.deps.join(', ') || '-'} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

function toMakefile(tasks, recipe) {
  const lines = [
    `.PHONY: all ${tasks.map((t) => t.id).join(' ')}`,
    `all: ${tasks.map((t) => t.id).join(' ')}`,
  ];
  for (const t of tasks) lines.push(`${t.id}: ${t.deps.join(' ')}`, `\t@${recipe}`);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- processes

/**
 * A first `nova run` of the plan: a new state file and an empty logs folder each time (a rerun in
 * the same folder also rotates every log; `overhead` measures that case on its own).
 */
function novaRun(dir, plan, extra, env = {}, sampleRss = false, runId = uniq()) {
  return timed(
    process.execPath,
    [
      BIN,
      'run',
      plan,
      '--state',
      join(dir, `state-${runId}.json`),
      '--logs',
      join(dir, `logs-${runId}`),
      ...extra,
    ],
    { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env }, sampleRss },
  );
}

const uniq = () => Math.random().toString(36).slice(2);

// A bare scheduler: the same graph, ready tasks in file order, `workers` at a time. Run as its own
// node process, so node's boot is in every figure. Mode `logged` (the baseline): plain spawn, a
// prompt written to stdin, stdout and stderr piped into one log file per task. Mode `spawn`: plain
// spawn with stdio ignored. Modes `inline` and `host:<n>`: each task through @program-nova/worker (pipes, a log per
// attempt, output parsing), in this process or from a worker host of n processes: what nova's
// figure is made of, without the plan parse, the state, the journal and the view.
const LOOP = `
import { readFileSync } from 'node:fs';
const [graphFile, workers, mode, logsDir, workerUrl, ...cmd] = process.argv.slice(1);
// About as long as the prompt nova writes for a one-line task of a small plan.
const PROMPT = 'You are working on the project Bench, branch B, group G.\\n\\nYour task: {id} ({id}).\\n' + 'Context line.\\n'.repeat(40);
let start;
if (mode === 'spawn') {
  const { spawn } = await import('node:child_process');
  start = (id) => new Promise((resolve) =>
    spawn(cmd[0], cmd.slice(1).map((a) => a.replaceAll('{id}', id)), { stdio: 'ignore' })
      .on('exit', (code) => resolve(code === 0 ? null : 'exited ' + code)));
} else if (mode === 'logged') {
  const { spawn } = await import('node:child_process');
  const { createWriteStream, mkdirSync } = await import('node:fs');
  mkdirSync(logsDir, { recursive: true });
  start = (id) => new Promise((resolve) => {
    const log = createWriteStream(logsDir + '/' + id + '.log');
    const child = spawn(cmd[0], cmd.slice(1).map((a) => a.replaceAll('{id}', id)), { stdio: 'pipe' });
    // A command that exits without reading its prompt closes the pipe under the write.
    child.stdin.on('error', () => {});
    child.stdin.end(PROMPT.replaceAll('{id}', id));
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('close', (code) => log.end(() => resolve(code === 0 ? null : 'exited ' + code)));
  });
} else {
  const worker = await import(workerUrl);
  const host = mode.startsWith('host:') ? worker.createWorkerHost({ processes: Number(mode.slice(5)) }) : null;
  start = (id) => {
    const options = { task: { id, name: id, description: id, branch: 'B', group: 'G', dependsOn: [] }, project: 'Bench', command: cmd, logsDir };
    return (host ? host.start(options) : worker.startWorker(options)).done.then((r) => (r.ok ? null : r.error.message));
  };
  process.on('beforeExit', () => host?.close());
}
const tasks = JSON.parse(readFileSync(graphFile, 'utf8'));
const waiting = new Map(), dependents = new Map();
for (const t of tasks) { waiting.set(t.id, t.deps.length); for (const d of t.deps) { if (!dependents.has(d)) dependents.set(d, []); dependents.get(d).push(t.id); } }
const ready = tasks.filter((t) => t.deps.length === 0).map((t) => t.id);
let running = 0, done = 0;
function pump() {
  while (running < Number(workers) && ready.length > 0) {
    const id = ready.shift();
    running++;
    start(id).then((failure) => {
      if (failure) { console.error('task ' + id + ': ' + failure); process.exit(1); }
      running--; done++;
      for (const d of dependents.get(id) ?? []) { const n = waiting.get(d) - 1; waiting.set(d, n); if (n === 0) ready.push(d); }
      if (done < tasks.length) pump();
    });
  }
}
pump();
`;

/** The LOOP scheduler over `tasks` (see there for `mode`). */
function loopRun(dir, tasks, workers, cmd, mode = 'spawn') {
  const graph = join(dir, `graph-${tasks.length}.json`);
  writeFileSync(graph, JSON.stringify(tasks.map((t) => ({ id: t.id, deps: t.deps }))));
  return timed(process.execPath, [
    '--input-type=module',
    '-e',
    LOOP,
    graph,
    String(workers),
    mode,
    join(dir, `loop-logs-${uniq()}`),
    pathToFileURL(WORKER).href,
    ...cmd,
  ]);
}

const bareRun = (dir, tasks, workers, cmd) => loopRun(dir, tasks, workers, cmd, 'spawn');
const loggedRun = (dir, tasks, workers, cmd) => loopRun(dir, tasks, workers, cmd, 'logged');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

function hasCommand(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- overhead

async function overhead(dir) {
  const tasks = layered(1000, 50, 11);
  const plan = join(dir, 'overhead.md');
  writeFileSync(plan, toMarkdown(tasks));
  const makefile = join(dir, 'Makefile');
  writeFileSync(makefile, toMakefile(tasks, 'true'));
  const withMake = hasCommand('make');
  const nova = [];
  const logged = [];
  const bare = [];
  const make = [];
  const inline = [];
  const hosted = [];
  // Warm-up, then alternate so load changes from other work on the machine hit every side alike.
  await novaRun(dir, plan, ['--worker-cmd', 'true', '-j', '8']);
  for (let round = 0; round < 3; round++) {
    const n = await novaRun(dir, plan, ['--worker-cmd', 'true', '-j', '8']);
    if (n.code !== 0) throw new Error(`nova run exited ${n.code}: ${n.stderr.slice(-500)}`);
    nova.push(n.ms);
    const l = await loggedRun(dir, tasks, 8, ['true']);
    if (l.code !== 0) throw new Error(`logged loop exited ${l.code}: ${l.stderr}`);
    logged.push(l.ms);
    const b = await bareRun(dir, tasks, 8, ['true']);
    if (b.code !== 0) throw new Error(`bare loop exited ${b.code}: ${b.stderr}`);
    bare.push(b.ms);
    const w = await loopRun(dir, tasks, 8, ['true'], 'inline');
    if (w.code !== 0) throw new Error(`worker loop exited ${w.code}: ${w.stderr}`);
    inline.push(w.ms);
    const h = await loopRun(dir, tasks, 8, ['true'], 'host:2');
    if (h.code !== 0) throw new Error(`worker host loop exited ${h.code}: ${h.stderr}`);
    hosted.push(h.ms);
    if (withMake) {
      const m = await timed('make', ['-s', '-j8', '-f', makefile], { cwd: dir });
      if (m.code !== 0) throw new Error(`make exited ${m.code}: ${m.stderr}`);
      make.push(m.ms);
    }
  }
  const nMs = median(nova);
  const bMs = median(bare);
  // The same plan run again on a fresh state but beside the logs of the previous run: every
  // attempt's log is rotated (`<id>.log` -> `<id>.log.<n>`).
  const reuse = uniq();
  await novaRun(dir, plan, ['--worker-cmd', 'true', '-j', '8'], {}, false, reuse);
  const rerun = [];
  for (let round = 0; round < 2; round++) {
    const r = await timed(
      process.execPath,
      [
        BIN,
        'run',
        plan,
        '--state',
        join(dir, `state-${uniq()}.json`),
        '--logs',
        join(dir, `logs-${reuse}`),
        '--worker-cmd',
        'true',
        '-j',
        '8',
      ],
      { cwd: dir, env: { ...process.env, NO_COLOR: '1' } },
    );
    if (r.code !== 0) throw new Error(`nova run (rerun) exited ${r.code}: ${r.stderr.slice(-500)}`);
    rerun.push(r.ms);
  }
  const lMs = median(logged);
  const rows = [
    {
      name: 'overhead: 1,000 `true` tasks, layered DAG, -j 8, nova run vs a Node loop with the same I/O',
      value: nMs,
      unit: 'ms',
      baseline: lMs,
      ratio: nMs / lMs,
      target: '<= 1.25x',
      pass: nMs / lMs <= 1.25,
      note: `median of 3 (nova ${nova.map((x) => Math.round(x)).join('/')}, loop ${logged.map((x) => Math.round(x)).join('/')} ms); both include node boot and write a prompt, pipe output and a log per task; nova also parses the plan, journals ~3,000 transitions and keeps the state; ${((nMs - lMs) / 1000).toFixed(2)} ms extra per task`,
    },
    {
      name: 'overhead: same, nova run vs a bare Node loop (no prompt, no pipes, no logs)',
      value: nMs,
      unit: 'ms',
      baseline: bMs,
      ratio: nMs / bMs,
      note: `report only; bare ${bare.map((x) => Math.round(x)).join('/')} ms (median of 3)`,
    },
  ];
  rows.push({
    name: "overhead: same, beside an earlier run's 1,000 logs (rotated), 2nd and 3rd run",
    value: rerun[1],
    unit: 'ms',
    baseline: bMs,
    ratio: rerun[1] / bMs,
    note: `report only; ${rerun.map((x) => Math.round(x)).join(' then ')} ms: every attempt's earlier log is rotated to <id>.log.<n> first`,
  });
  for (const [label, times] of [
    ['startWorker in this process', inline],
    ['a worker host of 2 processes', hosted],
  ]) {
    rows.push({
      name: `overhead: the bare loop running each task through ${label}`,
      value: median(times),
      unit: 'ms',
      baseline: bMs,
      ratio: median(times) / bMs,
      note: `report only (what nova's figure is made of: pipes, a log per task, output parsing; no plan, state, journal or view); ${times.map((x) => Math.round(x)).join('/')} ms`,
    });
  }
  if (withMake) {
    const mMs = median(make);
    rows.push({
      name: 'overhead: same graph, nova run vs make -j8',
      value: nMs,
      unit: 'ms',
      baseline: mMs,
      ratio: nMs / mMs,
      note: `report only; make ${make.map((x) => Math.round(x)).join('/')} ms (median of 3)`,
    });
  } else
    rows.push({ name: 'overhead: nova run vs make -j8', note: 'skipped: make is not installed' });
  return rows;
}

// ---------------------------------------------------------------- latency

const STAMP_C = `
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
static void stamp(const char *file, const char *ev, const char *id) {
  struct timespec ts; char line[256];
  clock_gettime(CLOCK_MONOTONIC, &ts);
  int n = snprintf(line, sizeof line, "%s %s %lld\\n", ev, id, (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
  int fd = open(file, O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (fd >= 0) { (void)!write(fd, line, n); close(fd); }
}
int main(int argc, char **argv) {
  if (argc < 3) return 2;
  stamp(argv[1], "S", argv[2]);
  stamp(argv[1], "E", argv[2]);
  return 0;
}
`;

function buildStamp(dir) {
  if (!hasCommand('cc')) return null;
  const src = join(dir, 'stamp.c');
  const exe = join(dir, 'stamp');
  writeFileSync(src, STAMP_C);
  execFileSync('cc', ['-O2', '-o', exe, src]);
  return exe;
}

/** start(dependent) - max(exit(dependency)) per task with dependencies, in ms. */
function latencies(file, tasks) {
  const start = new Map();
  const end = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const [ev, id, ns] = line.split(' ');
    (ev === 'S' ? start : end).set(id, BigInt(ns));
  }
  const out = [];
  for (const t of tasks) {
    if (t.deps.length === 0) continue;
    let last = 0n;
    for (const d of t.deps) if (end.get(d) > last) last = end.get(d);
    out.push(Number(start.get(t.id) - last) / 1e6);
  }
  return out;
}

async function latency(dir) {
  const exe = buildStamp(dir);
  if (!exe)
    return [
      { name: 'start latency', note: 'skipped: no C compiler (cc) to build the stamp worker' },
    ];
  const rows = [];
  const chain = Array.from({ length: 300 }, (_, i) => ({
    id: `C${i}`,
    deps: i === 0 ? [] : [`C${i - 1}`],
    name: `Step ${i}`,
    description: `chain step ${i}`,
  }));
  // Four chains at -j 4: a dependent always has its dependency's slot, so the figure is scheduling
  // latency and never a wait for a slot (in a wide DAG most of the gap is queueing behind other ready
  // tasks, by design).
  const chains = Array.from({ length: 300 }, (_, i) => ({
    id: `K${i}`,
    deps: i < 4 ? [] : [`K${i - 4}`],
    name: `Step ${i}`,
    description: `chain ${i % 4} step ${Math.floor(i / 4)}`,
  }));
  for (const [label, tasks, workers] of [
    ['a 300-task chain', chain, 1],
    ['4 chains of 75, -j 4', chains, 4],
  ]) {
    const plan = join(dir, `latency-${tasks.length}.md`);
    writeFileSync(plan, toMarkdown(tasks));
    const novaFile = join(dir, `lat-nova-${tasks.length}.txt`);
    const bareFile = join(dir, `lat-bare-${tasks.length}.txt`);
    const n = await novaRun(dir, plan, [
      '--worker-cmd',
      `'${exe}' '${novaFile}' {id}`,
      '-j',
      String(workers),
    ]);
    if (n.code !== 0) throw new Error(`nova run exited ${n.code}: ${n.stderr.slice(-500)}`);
    const b = await bareRun(dir, tasks, workers, [exe, bareFile, '{id}']);
    if (b.code !== 0) throw new Error(`bare loop exited ${b.code}: ${b.stderr}`);
    const nl = latencies(novaFile, tasks);
    const bl = latencies(bareFile, tasks);
    const p50 = pct(nl, 50);
    const p99 = pct(nl, 99);
    rows.push(
      {
        name: `start latency p50, ${label}`,
        value: p50,
        unit: 'ms',
        baseline: pct(bl, 50),
        ratio: p50 / pct(bl, 50),
        target: '<= 5 ms',
        pass: p50 <= 5,
        note: `dependency's exit -> dependent's first instruction, CLOCK_MONOTONIC stamps by the workers (C); baseline = bare Node loop; n=${nl.length}`,
      },
      {
        name: `start latency p99, ${label}`,
        value: p99,
        unit: 'ms',
        baseline: pct(bl, 99),
        ratio: p99 / pct(bl, 99),
        target: '<= 25 ms',
        pass: p99 <= 25,
        note: `max ${Math.max(...nl).toFixed(1)} ms`,
      },
    );
  }
  return rows;
}

// ---------------------------------------------------------------- priority

/** Runs the plan through the Orchestrator API in this process; resolves the makespan in ms. */
async function makespan(Orchestrator, dir, tasks, order, workers) {
  const plan = join(dir, `prio-${order}-${Math.random().toString(36).slice(2)}.md`);
  writeFileSync(plan, toMarkdown(tasks));
  const o = new Orchestrator({
    cascadeFile: plan,
    stateFile: `${plan}.state.json`,
    maxWorkers: workers,
    // Each task sleeps for its description's number of seconds (no shell: `sleep` gets one argv element).
    workerCommand: ['sleep', '{description}'],
    workerStdin: null,
    order,
  });
  await o.init();
  const t0 = performance.now();
  const result = await o.run({ checkInterval: 1000 });
  if (!result.ok) throw new Error(`priority run (${order}) ended ${result.outcome}`);
  return performance.now() - t0;
}

async function priority(dir) {
  const { Orchestrator } = await import(ORCH);
  const rows = [];
  // The priority target's plan (bench/README.md): 180 independent short tasks listed before a 20-task chain, 4 workers.
  const d = 0.1;
  const section8 = [
    ...Array.from({ length: 180 }, (_, i) => ({
      id: `I${i}`,
      deps: [],
      name: `Independent ${i}`,
      description: String(d),
    })),
    ...Array.from({ length: 20 }, (_, i) => ({
      id: `C${i}`,
      deps: i === 0 ? [] : [`C${i - 1}`],
      name: `Chain ${i}`,
      description: String(d),
    })),
  ];
  const file = await makespan(Orchestrator, dir, section8, 'file', 4);
  const cp = await makespan(Orchestrator, dir, section8, 'critical-path', 4);
  rows.push({
    name: 'priority: 180 independent tasks before a 20-task chain, 4 workers (makespan)',
    value: cp,
    unit: 'ms',
    baseline: file,
    ratio: cp / file,
    target: '<= 0.8x',
    pass: cp / file <= 0.8,
    note: `critical-path order vs file order, each task sleeps ${d * 1000} ms; Orchestrator API in-process for both (nova run has no flag for file order); ideal ${50 * d * 1000} vs ${65 * d * 1000} ms`,
  });
  const ratios = [];
  for (const seed of [1, 2, 3]) {
    const r = rng(seed * 7919);
    const n = 80;
    const tasks = [];
    for (let i = 0; i < n; i++) {
      const deps = [];
      for (let j = Math.max(0, i - 20); j < i; j++) if (r() < 0.08) deps.push(`R${j}`);
      // Mostly short tasks, a few long ones (agents vary a lot).
      const secs = r() < 0.1 ? 0.4 + r() * 0.4 : 0.03 + r() * 0.12;
      tasks.push({ id: `R${i}`, deps, name: `Random ${i}`, description: secs.toFixed(3) });
    }
    const f = await makespan(Orchestrator, dir, tasks, 'file', 4);
    const c = await makespan(Orchestrator, dir, tasks, 'critical-path', 4);
    ratios.push(c / f);
  }
  rows.push({
    name: 'priority: random DAGs (80 tasks, 4 workers), critical-path / file order',
    value: median(ratios),
    unit: 'x',
    note: `report only; per DAG ${ratios.map((x) => x.toFixed(2)).join(', ')} (median shown); 30-150 ms tasks, 10% 0.4-0.8 s`,
  });
  return rows;
}

// ---------------------------------------------------------------- memory

async function memory(dir) {
  const rows = [];
  const tasks = layered(10_000, 100, 5);
  const plan = join(dir, 'memory.md');
  writeFileSync(plan, toMarkdown(tasks));
  const idle = await timed(process.execPath, ['-e', 'setTimeout(() => {}, 300)'], {
    sampleRss: true,
  });
  const n = await novaRun(dir, plan, ['--worker-cmd', 'true', '-j', '8'], {}, true);
  if (n.code !== 0) throw new Error(`nova run (10,000) exited ${n.code}: ${n.stderr.slice(-500)}`);
  rows.push({
    name: 'nova run peak RSS, 10,000 no-op tasks (100 tables), -j 8',
    value: n.peakKb / 1024,
    unit: 'MB',
    baseline: idle.peakKb / 1024,
    ratio: n.peakKb / idle.peakKb,
    target: '<= 150 MB',
    pass: n.peakKb / 1024 <= 150,
    note: `VmHWM sampled every 20 ms while it ran; baseline = an idle node process; the run took ${(n.ms / 1000).toFixed(1)} s (${(n.ms / 10_000).toFixed(2)} ms/task)`,
  });
  rows.push({
    name: "the same run: peak RSS of nova run's worker host process",
    value: n.hostPeakKb / 1024,
    unit: 'MB',
    baseline: idle.peakKb / 1024,
    ratio: n.hostPeakKb / idle.peakKb,
    note: 'report only: the separate process that spawns the workers (not the orchestrator)',
  });
  // The parser's worst case: all 10,000 tasks in one table (one syntax tree for the whole table).
  const oneTable = join(dir, 'memory-one-table.md');
  writeFileSync(oneTable, toMarkdown(tasks, Number.POSITIVE_INFINITY));
  const v = await timed(process.execPath, [BIN, 'validate', oneTable], { sampleRss: true });
  rows.push({
    name: 'nova validate peak RSS, 10,000 tasks in ONE table',
    value: v.peakKb / 1024,
    unit: 'MB',
    baseline: idle.peakKb / 1024,
    ratio: v.peakKb / idle.peakKb,
    note: `report only (exit ${v.code}, ${(v.ms / 1000).toFixed(1)} s): parse alone; the table's whole mdast/micromark tree is alive at once`,
  });
  const floodPlan = join(dir, 'flood.md');
  writeFileSync(
    floodPlan,
    toMarkdown([{ id: 'F1', deps: [], name: 'Flood', description: 'prints 2 GiB' }]),
  );
  const FLOOD = `const c=Buffer.alloc(1<<20,120);for(let i=1023;i<c.length;i+=1024)c[i]=10;let w=0;const t=2*1024**3;(function p(){while(w<t){w+=c.length;if(!process.stdout.write(c))return process.stdout.once('drain',p)}})()`;
  const f = await novaRun(
    dir,
    floodPlan,
    ['--worker-cmd', `'${process.execPath}' -e "${FLOOD}"`],
    {},
    true,
  );
  rows.push({
    name: 'nova run peak RSS, a worker printing 2 GiB',
    value: f.peakKb / 1024,
    unit: 'MB',
    baseline: idle.peakKb / 1024,
    ratio: f.peakKb / idle.peakKb,
    target: '<= 150 MB',
    pass: f.peakKb / 1024 <= 150 && f.code === 1,
    note: `stopped at the default 128 MiB log cap (exit ${f.code}: task failed, output_cap)`,
  });
  return rows;
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'nova-bench-sched-'));
  try {
    const rows = [];
    // NOVA_BENCH_PARTS=overhead,memory runs only those parts (for quick local iteration).
    // biome-ignore lint/suspicious/noUndeclaredEnvVars: the bench runs outside turbo
    const only = process.env.NOVA_BENCH_PARTS?.split(',').map((p) => p.trim());
    const parts = [overhead, latency, priority, memory].filter(
      (p) => !only || only.includes(p.name),
    );
    for (const part of parts) {
      try {
        rows.push(...(await part(dir)));
      } catch (error) {
        rows.push({
          name: `${part.name} failed`,
          note: String(error?.message ?? error).slice(0, 400),
        });
      }
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
