/**
 * Which folder the agents of a run work in. Inside a git work tree with a commit, each task gets a
 * worktree of its own (worktree mode, the default there); elsewhere, or with `--workspace shared`,
 * every agent works in the one folder as before. Also the lines that tell the user about it: the
 * mode at the start, each task's work and the result branch at the end.
 */
import { dirname, join } from 'node:path';
import type { OrchestratorOptions, RunResult } from '@program-nova/orchestrator';
import type { CascadeState } from '@program-nova/state';
import {
  createWorkspaces,
  inspectRepository,
  projectSlug,
  type RepositoryInfo,
  showRemote,
  WorkspaceError,
} from '@program-nova/workspace';
import { CliError } from '../core/cli-error.js';
import type { Colors } from '../core/colors.js';
import { terminalText } from '../core/terminal-text.js';
import type { WorkspaceMode } from './settings.js';

export interface WorkspaceChoice {
  mode: WorkspaceMode;
  /** Why shared mode, when it was not asked for (outside a repository...). */
  why: string | null;
  repository: RepositoryInfo | null;
  worktrees: OrchestratorOptions['worktrees'];
}

/** Where a state's task worktrees live: `worktrees/` beside it. */
export function worktreesDirFor(stateFile: string): string {
  return join(dirname(stateFile), 'worktrees');
}

/** Errors that only mean "this folder cannot have worktrees", not that anything is broken. */
const NOT_GIT = new Set(['NOT_A_REPOSITORY', 'NO_COMMITS', 'GIT_NOT_FOUND', 'GIT_TOO_OLD']);

/**
 * `logsDir`: the run's logs folder. Nova's own files (the state, its journal and lock, the logs,
 * the worktrees) do not count as the user's uncommitted changes.
 */
export async function chooseWorkspace(
  asked: WorkspaceMode | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv,
  stateFile: string,
  logsDir: string,
  projectName: string,
): Promise<WorkspaceChoice> {
  if (asked === 'shared')
    return { mode: 'shared', why: null, repository: null, worktrees: undefined };
  const own = [
    stateFile,
    `${stateFile}.journal`,
    `${stateFile}.lock`,
    logsDir,
    worktreesDirFor(stateFile),
  ];
  let repository: RepositoryInfo;
  try {
    repository = await inspectRepository(cwd, { env, ignore: own });
  } catch (error) {
    if (error instanceof WorkspaceError && NOT_GIT.has(error.code)) {
      if (asked === 'worktree') {
        throw new CliError('E_INVALID_INPUT', `--workspace worktree: ${error.message}`, {
          cause: error,
        });
      }
      return { mode: 'shared', why: error.message, repository: null, worktrees: undefined };
    }
    throw error;
  }
  const workspaces = createWorkspaces({
    repoRoot: repository.root,
    worktreesDir: worktreesDirFor(stateFile),
    projectSlug: projectSlug(projectName),
    env,
  });
  return {
    mode: 'worktree',
    why: null,
    repository,
    worktrees: {
      workspaces,
      subdir: repository.subdir,
      repo: repository.root,
      base: repository.head,
      baseBranch: repository.branch,
    },
  };
}

const short = (sha: string) => sha.slice(0, 12);

/** What the run's first lines say about where the agents work. */
export function workspaceNotes(
  choice: WorkspaceChoice,
  state: CascadeState,
  c: Colors,
  /** The bullmq executor's shared remote, when tasks run on other machines. */
  remote?: string,
): { notes: string[]; warnings: string[] } {
  if (choice.mode === 'shared') {
    const where = choice.why ? ` (${terminalText(choice.why)})` : '';
    return {
      notes: [`Workspace: shared, every agent works in the same folder${where}`],
      warnings: [],
    };
  }
  const recorded = state.project.workspace;
  const repo = choice.repository!;
  const base = recorded?.base ?? repo.head;
  const from = recorded?.base_branch ?? repo.branch;
  const where =
    remote === undefined
      ? `in ${terminalText(repo.root)}`
      : `on each worker machine, shared through ${terminalText(showRemote(remote))}`;
  const notes = [
    `Workspace: a git worktree per task ${where}, base ${c.bold(short(base))}${from ? ` (${terminalText(from)})` : ''}`,
  ];
  const warnings: string[] = [];
  if (repo.dirty) {
    warnings.push(
      `uncommitted changes in ${terminalText(repo.root)} are in no task's worktree: tasks start from commit ${short(base)}`,
    );
  }
  if (recorded && recorded.base !== repo.head) {
    notes.push(c.dim(`  (the base of this state's first run; HEAD is now ${short(repo.head)})`));
  }
  return { notes, warnings };
}

/** Each task's work: branch, head and changed files (the most recent first, at most `limit`). */
export function workLines(state: CascadeState, c: Colors, limit = 20): string[] {
  const done = Object.entries(state.tasks).filter(([, t]) => t.git);
  if (done.length === 0) return [];
  const lines = [c.bold(`Work on branches (${done.length})`)];
  for (const [id, t] of done.slice(-limit)) {
    const git = t.git!;
    let added = 0;
    let removed = 0;
    for (const f of git.files) {
      added += f.added ?? 0;
      removed += f.removed ?? 0;
    }
    const files = `${git.files.length} file${git.files.length === 1 ? '' : 's'}`;
    lines.push(
      `  ${terminalText(id)}  ${terminalText(git.branch)} @ ${short(git.head)}  ${files} ${c.green(`+${added}`)} ${c.red(`-${removed}`)}`,
    );
  }
  if (done.length > limit)
    lines.push(c.dim(`  ... and ${done.length - limit} more (nova status --json)`));
  return lines;
}

/** The result branch, or why there is none, at the end of a run. */
export function resultLines(result: RunResult, c: Colors): string[] {
  if (result.resultBranch) {
    const { branch, head } = result.resultBranch;
    return [
      `${c.green('Result')}: every task's work is merged in ${c.bold(terminalText(branch))} (${short(head)}).`,
      `  To take it into your branch: git merge ${terminalText(branch)}`,
    ];
  }
  if (result.resultError)
    return [`${c.red('No result branch')}: ${terminalText(result.resultError)}`];
  return [];
}
