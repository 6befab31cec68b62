/**
 * What the child gets: its argv (the template with the task's values), its stdin text, its
 * environment and its working directory, and the process it is spawned as. Task text only ever
 * travels as argv elements or stdin bytes, never through a shell.
 */
import type { ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { isTaskId, logFileName, TASK_ID_PATTERN_TEXT } from '@program-nova/core';
import crossSpawn from 'cross-spawn';
import { buildPrompt } from './prompt.js';
import {
  DEFAULT_COMMAND,
  DEFAULT_MODEL,
  DEFAULT_STDIN,
  expandTemplate,
  expandText,
} from './template.js';
import type { StartWorkerOptions, TemplateValues } from './types.js';

export interface Launch {
  /** The argv spawned, after substitution (frozen). */
  argv: readonly string[];
  /** argv[0]. */
  command: string;
  /** Written to the child's stdin, which is then closed; null: stdin is /dev/null. */
  stdinText: string | null;
  cwd: string;
  env: NodeJS.ProcessEnv;
  logsDir: string;
  logPath: string;
}

/**
 * The caller's mistakes that startWorker throws for (rather than report through `done`): shared
 * with the worker host, whose client must throw them in the caller too.
 */
export function assertStartable(o: StartWorkerOptions): void {
  if (!isTaskId(o.task.id)) {
    throw new TypeError(
      `startWorker: task id ${JSON.stringify(o.task.id)} cannot name a log file (expected ${TASK_ID_PATTERN_TEXT})`,
    );
  }
  const template = o.command ?? DEFAULT_COMMAND;
  if (template.length === 0 || template[0] === '') {
    throw new TypeError('startWorker: the command template is empty');
  }
}

export function prepareLaunch(o: StartWorkerOptions): Launch {
  const task = o.task;
  const template = o.command ?? DEFAULT_COMMAND;
  // The prompt is built only when something uses it: it is the largest value by far.
  const usesPrompt =
    template.some((a) => a.includes('{prompt}')) ||
    o.stdin === undefined ||
    (o.stdin?.includes('{prompt}') ?? false);
  const values: TemplateValues = {
    id: task.id,
    name: task.name,
    description: task.description,
    branch: task.branch,
    group: task.group,
    project: o.project,
    model: task.model ?? o.model ?? DEFAULT_MODEL,
    prompt: usesPrompt
      ? buildPrompt({
          project: o.project,
          task,
          dependencies: o.dependencies,
          workspace: o.workspace,
          previousFailure: o.previousFailure,
        })
      : '',
  };
  const argv = Object.freeze(expandTemplate(template, values));

  const env: NodeJS.ProcessEnv = { ...(o.env ?? process.env) };
  // Claude Code refuses to start inside another Claude Code session that set this.
  delete env.CLAUDECODE;
  env.NOVA_TASK_ID = task.id;
  env.NOVA_PROJECT = o.project;
  if (o.stateFile !== undefined) env.NOVA_STATE_FILE = resolve(o.stateFile);
  else delete env.NOVA_STATE_FILE;

  const logsDir = resolve(o.logsDir);
  return {
    argv,
    command: argv[0] as string,
    stdinText: o.stdin === null ? null : expandText(o.stdin ?? DEFAULT_STDIN, values),
    cwd: resolve(o.cwd ?? process.cwd()),
    env,
    logsDir,
    logPath: join(logsDir, logFileName(task.id)),
  };
}

/** The first lines of the attempt's log: which attempt, what ran, where. */
export function logHeader(taskId: string, launch: Launch, startedAt: Date): string {
  return (
    `# nova: task ${taskId}, attempt started ${startedAt.toISOString()}\n` +
    `# nova: argv ${JSON.stringify(launch.argv)}\n# nova: cwd ${launch.cwd}\n`
  );
}

/** Spawns the child as the leader of its own process group. Throws what spawn throws. */
export function spawnChild(launch: Launch): ChildProcess {
  return crossSpawn(launch.command, launch.argv.slice(1), {
    cwd: launch.cwd,
    env: launch.env,
    // Own process group (setsid): the whole tree can be signalled as -pgid.
    detached: true,
    // Without stdin text the child gets /dev/null: end of input at once, as a closed pipe would
    // give, without a pipe to create and close per attempt.
    stdio: [launch.stdinText === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
}

/** Writes the stdin text and closes stdin. */
export function feedStdin(child: ChildProcess, text: string | null): void {
  const stdin = child.stdin;
  if (!stdin || text === null) return;
  // EPIPE when the child exits (or closes stdin) before reading it all: not our failure.
  stdin.on('error', () => {});
  stdin.end(text);
}
