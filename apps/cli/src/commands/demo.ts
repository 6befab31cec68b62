import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from '../core/cli-error.js';
import type { Command } from '../core/command.js';
import { createFolder } from '../core/create-folder.js';
import { runPlan } from '../run/run-plan.js';
import {
  DEFAULT_PORT,
  parsePort,
  type RunSettings,
  simulatedWorkerCommand,
} from '../run/settings.js';
import { DEMO_MILESTONES } from '../templates/demo.js';

/** The demo plan ships inside the CLI's dist (copied there at build), so an installed nova has it. */
function demoPlanSource(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, 'demo', 'CASCADE.md'),
    join(here, '..', 'dist', 'demo', 'CASCADE.md'),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new CliError(
      'E_INVALID_INPUT',
      `the demo plan is missing (looked in ${candidates[0]}); rebuild @program-nova/cli`,
    );
  return found;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the example plan with the simulated agent and the dashboard',
  usage: ['nova demo [--dir path] [--port n] [--exit]'],
  details: [
    'Copies the example plan (a 16-task "Todo API" in 3 branches) into a fresh folder and runs it',
    'with the simulated agent (no real agent, no cost) at 3 workers, serving the dashboard; the URL',
    'is printed first. Each simulated task takes about 3 s (SIM_DURATION_MS changes it).',
    'The folder is made a git repository (when git is installed), so every task works in a git',
    'worktree of its own: its branch and changed files show in the summary and the dashboard, and',
    'the result branch holds all of them at the end.',
    'When the run ends the dashboard stays up (on a terminal until Ctrl-C, otherwise for 30 s,',
    "NOVA_DASHBOARD_GRACE), then nova exits with the run's exit code; --exit exits at once. The",
    'folder is kept, so `nova status --state <dir>/cascade_state.json` and `nova logs` work afterwards.',
  ].join('\n'),
  examples: ['nova demo', 'nova demo --dir /tmp/nova-demo --port 0 --exit'],
  options: {
    dir: {
      type: 'string',
      valueName: 'path',
      description: 'folder for the demo (must not exist or be empty; default: a new temp folder)',
    },
    port: {
      type: 'string',
      valueName: 'n',
      description: `dashboard port (default ${DEFAULT_PORT}, any free port if taken; 0 = any)`,
    },
    host: {
      type: 'string',
      valueName: 'name',
      description: 'dashboard address (default 127.0.0.1)',
    },
    exit: { type: 'boolean', description: 'exit when the run ends, even on a terminal' },
  },
  async run(ctx) {
    let dir: string;
    if (typeof ctx.values.dir === 'string') {
      dir = resolve(ctx.cwd, ctx.values.dir);
      if (existsSync(dir) && readdirSync(dir).length > 0) {
        throw new CliError(
          'E_INVALID_INPUT',
          `${dir} is not empty; give a new folder for the demo`,
        );
      }
      createFolder(dir);
    } else {
      dir = await mkdtemp(join(tmpdir(), 'nova-demo-'));
    }
    const planFile = join(dir, 'CASCADE.md');
    await copyFile(demoPlanSource(), planFile);
    await writeFile(join(dir, 'milestones.yaml'), DEMO_MILESTONES);
    const git = makeDemoRepository(dir, ctx.env);

    const requested = parsePort(ctx.values.port as string | undefined, 'demo');
    const port = requested ?? ((await isFree(DEFAULT_PORT)) ? DEFAULT_PORT : 0);
    const settings: RunSettings = {
      planFile,
      stateFile: join(dir, 'cascade_state.json'),
      logsDir: join(dir, 'logs'),
      maxWorkers: 3,
      agent: 'simulated',
      workerCommand: simulatedWorkerCommand(),
      retries: undefined,
      timeoutMs: undefined,
      failFast: false,
      maxCost: undefined,
      milestonesFile: join(dir, 'milestones.yaml'),
      dashboard: true,
      replan: false,
      rerunChanged: false,
      maxLogBytes: undefined,
      workspace: undefined,
      verify: undefined,
      port,
      host: typeof ctx.values.host === 'string' ? ctx.values.host : '127.0.0.1',
    };
    return runPlan(ctx, settings, {
      workerCwd: dir,
      workerEnv: { ...ctx.env, SIM_DURATION_MS: ctx.env.SIM_DURATION_MS ?? '3000' },
      keepServing: ctx.values.exit !== true,
      intro: [
        `Demo folder: ${dir}${git ? ' (a new git repository: each task works on a branch of its own)' : ''}`,
        'Worker: the simulated agent (prints Claude-Code-shaped output, does no real work; its tokens and dollars are invented, nothing is spent)',
      ],
    });
  },
};

/**
 * The demo folder as a small git repository (the plan committed), so the run shows worktrees,
 * branches and diffs. The demo's own files (state, logs) are excluded, not ignored in a file the
 * user would see. Without git the demo runs in one shared folder. Git runs with argv, no shell.
 */
function makeDemoRepository(dir: string, env: NodeJS.ProcessEnv): boolean {
  const run = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      stdio: 'ignore',
      env: { ...env, GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_TERMINAL_PROMPT: '0' },
    });
  try {
    run('init', '--quiet');
    run('config', 'user.name', 'Nova demo');
    run('config', 'user.email', 'demo@program-nova.invalid');
    appendFileSync(
      join(dir, '.git', 'info', 'exclude'),
      '/cascade_state.json*\n/.cascade_state.json.tmp-*\n/logs/\n',
    );
    run('add', 'CASCADE.md', 'milestones.yaml');
    run('commit', '--quiet', '--no-verify', '--no-gpg-sign', '-m', 'The demo plan');
    return true;
  } catch {
    return false;
  }
}

function isFree(port: number): Promise<boolean> {
  return import('node:net').then(
    ({ createServer }) =>
      new Promise((resolve) => {
        const s = createServer();
        s.once('error', () => resolve(false));
        s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
      }),
  );
}
