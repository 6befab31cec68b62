#!/usr/bin/env node
// A worker that records every run it makes: one JSON line when it starts and one when it finishes, appended
// (O_APPEND, one small write each, so lines from concurrent workers never interleave) to $PG_RECORD.
// It keeps a grandchild (`sleep`) in its process group while it works, so a group that is not
// killed as a whole leaves a survivor the tests can see.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

const id = process.env.NOVA_TASK_ID ?? process.argv[2] ?? 'unknown';
const record = process.env.PG_RECORD;
const run = process.env.PG_RUN ?? '';
const baseMs = Number(process.env.PG_SLEEP_MS ?? '50');

function pgid() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

function write(ev) {
  if (!record) return;
  const line = { ev, id, run, pid: process.pid, pgid: pgid(), ppid: process.ppid, t: Date.now() };
  appendFileSync(record, `${JSON.stringify(line)}\n`);
}

// Duration varies per task (0.5x .. 1.5x the base), the same for the same id on every run.
let h = 2166136261;
for (const c of id) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
const ms = Math.round(baseMs * (0.5 + (h % 1000) / 1000));

// PG_IGNORE_TERM: a worker that shrugs off SIGTERM, so only the group SIGKILL after the grace stops it.
if (process.env.PG_IGNORE_TERM) process.on('SIGTERM', () => write('sigterm'));

write('start');
const child = process.env.PG_GRANDCHILD ? spawn('sleep', ['600'], { stdio: 'ignore' }) : null;
// PG_HANG_IF_ORPHANED: like a real agent (which works for minutes), a worker whose orchestrator died
// does not finish by itself in the few milliseconds before a restart: it stays until it is reaped.
const parentAtStart = process.ppid;
// Its parent is nova's worker host (host-process.js), or nova itself (bin.js) when it spawns inline.
const parentIsNova = (() => {
  try {
    const cmdline = readFileSync(`/proc/${parentAtStart}/cmdline`, 'utf8');
    return cmdline.includes('host-process.js') || cmdline.includes('bin.js');
  } catch {
    return false;
  }
})();
const orphaned = () => !parentIsNova || process.ppid !== parentAtStart;

// PG_GATE: finish only once this file exists (tests hold a run open without guessing a duration).
const gate = process.env.PG_GATE;
setTimeout(function finish() {
  if ((gate && !existsSync(gate)) || (process.env.PG_HANG_IF_ORPHANED && orphaned())) {
    setTimeout(finish, 20);
    return;
  }
  child?.kill('SIGKILL');
  write('finish');
  process.exit(0);
}, ms);
