import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const childPath = (name: string) =>
  fileURLToPath(new URL(`./children/${name}`, import.meta.url));

export interface Child {
  proc: ChildProcess;
  lines: string[];
  /** Resolves with the first line (from now on or already received) that matches. */
  waitFor(match: (line: string) => boolean): Promise<string>;
  exited: Promise<void>;
}

/** Spawns `node <child> ...args`, collecting stdout lines; stderr is kept for failure messages. */
export function spawnChild(name: string, args: string[]): Child {
  const proc = spawn(process.execPath, [childPath(name), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  let partial = '';
  const watchers: { match: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  proc.stdout!.setEncoding('utf8');
  proc.stdout!.on('data', (chunk: string) => {
    partial += chunk;
    for (let nl = partial.indexOf('\n'); nl !== -1; nl = partial.indexOf('\n')) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      lines.push(line);
      for (const w of [...watchers]) {
        if (w.match(line)) {
          watchers.splice(watchers.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => proc.once('close', () => resolve()));
  return {
    proc,
    lines,
    exited,
    waitFor(match) {
      const found = lines.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        watchers.push({ match, resolve });
        exited.then(() =>
          reject(
            new Error(
              `child ${name} exited (code ${proc.exitCode}, signal ${proc.signalCode}) before the expected line; stderr: ${stderr}`,
            ),
          ),
        );
      });
    },
  };
}

/** SIGKILL and wait until the process is gone (reaped), so its pid is really dead. */
export async function kill(child: Child): Promise<void> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
  await child.exited;
}

/** Small deterministic PRNG so a failing run can be replayed from its printed seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
