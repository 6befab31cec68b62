/**
 * Where an example runs: a fresh folder outside the repository (so `nova run` finds no git work
 * tree and uses one shared folder), with a `node_modules` link to this package's, so that an
 * example imports the workspace packages by their public names, as a user who installed them
 * would, and finds their binaries (`simulated-agent`) on PATH.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Fixture } from './blocks.js';

export const PACKAGE_DIR = join(import.meta.dirname, '..');
export const REPO = join(PACKAGE_DIR, '..', '..');
export const NODE_MODULES = join(PACKAGE_DIR, 'node_modules');
/** `nova` in an example: the CLI this checkout built. */
export const NOVA = [process.execPath, join(REPO, 'apps', 'cli', 'dist', 'bin.js')];

/**
 * The environment of every example: this process's, with the packages' binaries on PATH, no
 * colour, and a short simulated task (each takes 1.2 s by default; a docs run has many).
 */
export function exampleEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    // A Nova run or a test runner around this one must not leak into the examples.
    if (name.startsWith('NOVA_') || name.startsWith('SIM_') || name === 'FORCE_COLOR')
      delete env[name];
  }
  env.PATH = [join(NODE_MODULES, '.bin'), process.env.PATH ?? ''].join(delimiter);
  env.NO_COLOR = '1';
  env.SIM_DURATION_MS = '100';
  return env;
}

export interface Ran {
  argv: string[];
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

/** Runs argv without a shell; `nova` is the built CLI. */
export function runCommand(
  argv: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 90_000,
): Ran {
  const [program, ...args] = argv[0] === 'nova' ? [...NOVA, ...argv.slice(1)] : argv;
  const r: SpawnSyncReturns<string> = spawnSync(program!, args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    argv,
    status: r.status,
    signal: r.signal,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    ...(r.error ? { error: r.error } : {}),
  };
}

/** One line saying how a command failed, with the end of what it printed. */
export function describeFailure(r: Ran): string {
  const how = r.error
    ? r.error.message
    : r.signal
      ? `killed by ${r.signal}`
      : `exit code ${r.status}`;
  const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-15).join('\n');
  return `${JSON.stringify(r.argv)} failed (${how})${tail ? `:\n${tail}` : ''}`;
}

/** What a fixture puts in the folder before the example runs. */
const FIXTURE_COMMANDS: Record<Fixture, string[][]> = {
  empty: [],
  // The plan and milestones.yaml `nova init` writes (6 tasks, F1 ... D1).
  init: [['nova', 'init']],
  // That plan run to the end by the simulated agent: a state file and logs/F1.log ... logs/D1.log.
  run: [
    ['nova', 'init'],
    ['nova', 'run', '--agent', 'simulated'],
  ],
};

/** A new folder prepared by `fixture`; throws with the fixture's failure. */
export function sandbox(fixture: Fixture, env: NodeJS.ProcessEnv): string {
  // realpath: tmpdir may be a link, and examples compare the paths they are given.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'nova-readme-example-')));
  symlinkSync(NODE_MODULES, join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  for (const argv of FIXTURE_COMMANDS[fixture]) {
    const r = runCommand(argv, dir, env);
    if (r.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`fixture ${fixture}: ${describeFailure(r)}`);
    }
  }
  return dir;
}
