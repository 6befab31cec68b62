import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The built binary, run as a user would run it (turbo builds the CLI before this package's tests). */
export const BIN =
  process.env.PG_NOVA_BIN ??
  join(import.meta.dirname, '..', '..', '..', 'apps', 'cli', 'dist', 'bin.js');
export const WORKERS = join(import.meta.dirname, 'workers');
export const FIXTURES = join(import.meta.dirname, 'fixtures');

const baseEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...process.env,
  NO_COLOR: '1',
  NOVA_DEBUG: '',
  FORCE_COLOR: '',
  ...env,
});

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `nova` to the end. */
export function nova(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Finished {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 180_000,
    env: baseEnv(env),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export interface Started {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started = new Set<ChildProcess>();

/** Starts `nova` without waiting for it. */
export function startNova(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Started {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: baseEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  started.add(child);
  void exited.then(() => started.delete(child));
  return { child, pid: child.pid!, stdout: () => out, stderr: () => err, exited };
}

/** SIGKILLs every `nova` a failed test left running and waits until they are gone. */
export async function killStarted(): Promise<void> {
  const waits = [...started].map(
    (child) =>
      new Promise((resolve) =>
        child.exitCode !== null || child.signalCode !== null
          ? resolve(null)
          : child.once('close', resolve),
      ),
  );
  for (const child of started) child.kill('SIGKILL');
  started.clear();
  await Promise.all(waits);
}

export function tempDir(prefix = 'nova-pg-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Polls `check` until truthy; a generous deadline, never a guessed sleep. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 120_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface ProcInfo {
  pid: number;
  state: string;
  pgid: number;
}

function procStat(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: rest[0]!, pgid: Number(rest[2]) };
  } catch {
    return null;
  }
}

/**
 * Live members of a process group. `kill(-pgid, 0)` alone is not enough here: PID 1 of this
 * container does not reap orphans, so a killed worker lingers as a zombie, which is not a survivor.
 */
export function liveGroupMembers(pgid: number): number[] {
  try {
    process.kill(-pgid, 0);
  } catch {
    return [];
  }
  const live: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = procStat(Number(name));
    if (info && info.pgid === pgid && info.state !== 'Z' && info.state !== 'X') live.push(info.pid);
  }
  return live;
}

/** Live (non-zombie) processes per process group, from one scan of /proc. */
export function liveByGroup(): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = procStat(Number(name));
    if (!info || info.state === 'Z' || info.state === 'X') continue;
    const list = groups.get(info.pgid);
    if (list) list.push(info.pid);
    else groups.set(info.pgid, [info.pid]);
  }
  return groups;
}

/**
 * The worker hosts `nova run` started (children of `novaPid` running the worker package's
 * host-process.js).
 */
export function workerHostsOf(novaPid: number): number[] {
  const hosts: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== novaPid) continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('host-process.js')) {
        hosts.push(Number(name));
      }
    } catch {
      // exited meanwhile
    }
  }
  return hosts;
}

/** True when the process exists and is not a zombie. */
export function isLive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const info = procStat(pid);
  return info !== null && info.state !== 'Z' && info.state !== 'X';
}

/**
 * SIGKILLs the process group of every live process whose environment names one of `dirs` in
 * `PG_RECORD` (set by these tests for their workers): cleanup after a failing test, which may
 * have left orphans of a killed `nova`. Nothing else is ever signalled.
 */
export function killWorkersOf(dirs: readonly string[]): void {
  if (dirs.length === 0) return;
  for (const [pgid, pids] of liveByGroup()) {
    const ours = pids.some((pid) => {
      try {
        const env = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
        return env.some(
          (e) => e.startsWith('PG_RECORD=') && dirs.some((d) => e.startsWith(`PG_RECORD=${d}/`)),
        );
      } catch {
        return false;
      }
    });
    if (!ours || pgid === process.pid) continue;
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {}
  }
}

/** Live processes whose environment marks them as started for the run on `stateFile`. */
export function markedProcesses(stateFile: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, 'latin1').split('\0');
      if (env.includes(`NOVA_STATE_FILE=${stateFile}`) && isLive(Number(name))) {
        found.push(Number(name));
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

export interface RunRecord {
  ev: 'start' | 'finish' | 'sigterm';
  id: string;
  run: string;
  pid: number;
  pgid: number;
  ppid: number;
  t: number;
}

/** The recorder workers' lines; a line still being appended (no newline yet) is left for later. */
export function readRecords(file: string): RunRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const end = text.lastIndexOf('\n');
  if (end < 0) return [];
  return text
    .slice(0, end)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RunRecord);
}

/** A seeded PRNG (mulberry32): the same instants on every run of the suite. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A layered plan: `layers` layers of `width` tasks; each task of layer k > 0 depends on one to three
 * tasks of layer k - 1. IDs are `T0001`... in file order.
 */
export function layeredPlan(total: number, width: number, seed = 1): string {
  const rand = seeded(seed);
  const ids = Array.from({ length: total }, (_, i) => `T${String(i + 1).padStart(4, '0')}`);
  const rows: string[] = [];
  for (let i = 0; i < total; i++) {
    const layer = Math.floor(i / width);
    const deps = new Set<string>();
    if (layer > 0) {
      const prevStart = (layer - 1) * width;
      const n = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < n; k++) deps.add(ids[prevStart + Math.floor(rand() * width)]!);
    }
    rows.push(`| ${ids[i]} | Task ${i + 1} | Step ${i + 1} | ${[...deps].join(', ') || '-'} |`);
  }
  return [
    '# Proving Ground',
    '',
    '## L1: Work',
    '',
    '### L2: All',
    '',
    '| Task ID | Task Name | What Changes | Depends On |',
    '| ------- | --------- | ------------ | ---------- |',
    ...rows,
    '',
  ].join('\n');
}

export function writePlan(dir: string, text: string, name = 'CASCADE.md'): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Lines that look like a stack trace or an error dump: never acceptable for a user mistake. */
export function stackTraceLines(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => /^\s+at\s/.test(l) || /^(\w*Error|Error):/.test(l) || /node:internal/.test(l));
}
