import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  StartWorkerOptions,
  WorkerFailureResult,
  WorkerResult,
  WorkerTask,
} from '../src/types.js';

const here = dirname(fileURLToPath(import.meta.url));
export const SIM = resolve(here, '../../../examples/agents/simulated-agent/simulated-agent.mjs');
export const FIXTURES = join(here, 'fixtures');
export const NODE = process.execPath;

export function task(id = 'T1', extra: Partial<WorkerTask> = {}): WorkerTask {
  return {
    id,
    name: `Task ${id}`,
    description: `Do ${id}`,
    branch: 'B',
    group: 'G',
    dependsOn: [],
    ...extra,
  };
}

/** A fresh temporary folder; the returned function removes it. */
export function tempDir(prefix = 'nova-worker-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `node -e <script>` as a command template. */
export const nodeEval = (script: string): string[] => [NODE, '-e', script];

export const readLog = (path: string): string => readFileSync(path, 'utf8');

export async function waitFor<T>(
  probe: () => T | undefined | null | false,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > until) throw new Error('waitFor: condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Options for a test attempt of task T1 in `dir` (logs in `dir/logs`, a 1 s kill grace). */
export function baseOptions(
  dir: string,
  extra: Partial<StartWorkerOptions> = {},
): StartWorkerOptions {
  return {
    task: task('T1'),
    project: 'Proj',
    cwd: dir,
    logsDir: join(dir, 'logs'),
    killGraceMs: 1000,
    ...extra,
  };
}

/** The result as a failure, or the test fails saying what succeeded instead. */
export function failed(r: WorkerResult): WorkerFailureResult {
  if (r.ok) throw new Error(`expected a failure, got success: ${JSON.stringify(r)}`);
  return r;
}

/** What every LOG_UNAVAILABLE of task T1 carries, its log in `logsDir` refused with `errno`. */
export function logUnavailable(logsDir: string, errno: string) {
  return {
    code: 'LOG_UNAVAILABLE',
    kind: 'interrupted',
    retryable: true,
    environment: true,
    path: join(logsDir, 'T1.log'),
    errno,
  };
}
