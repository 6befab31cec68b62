/** Branch names, built only from validated task ids and project slugs. */
import { isTaskId, TASK_ID_PATTERN_TEXT } from '@program-nova/core';
import { WorkspaceError } from './errors.js';
import type { GitOptions } from './git.js';
import { git } from './git.js';

/** The longest slug projectSlug returns: branch names stay readable and well under path limits. */
export const MAX_SLUG_LENGTH = 48;

const FALLBACK_SLUG = 'plan';

/**
 * A plan's name as a branch name component: lowercase ASCII letters and digits, each run of
 * anything else one '-', no '-' at either end, at most MAX_SLUG_LENGTH characters; 'plan' when
 * nothing is left. Accents are dropped first, so "Café Déjà" becomes "cafe-deja".
 */
export function projectSlug(projectName: string): string {
  const slug = String(projectName)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, '');
  return slug === '' ? FALLBACK_SLUG : slug;
}

/** INVALID_TASK_ID unless `taskId` follows the task id rule. */
export function assertTaskId(taskId: unknown): asserts taskId is string {
  // The task id rule also keeps `/`, spaces and shell characters out of branch names.
  if (!isTaskId(taskId)) {
    throw new WorkspaceError(
      'INVALID_TASK_ID',
      `${JSON.stringify(taskId)} is not a task id (expected ${TASK_ID_PATTERN_TEXT})`,
    );
  }
}

/**
 * Why a valid task id cannot end a branch name, or null. Within the id alphabet these are git's
 * only ref rules that can break: no `..`, no trailing `.`, no trailing `.lock`.
 */
function refProblem(taskId: string): string | null {
  if (taskId.includes('..')) return 'contains ".."';
  if (taskId.endsWith('.lock')) return 'ends with ".lock"';
  if (taskId.endsWith('.')) return 'ends with "."';
  return null;
}

function invalidBranch(taskId: string, branch: string, why: string): WorkspaceError {
  return new WorkspaceError(
    'INVALID_BRANCH_NAME',
    `task id ${JSON.stringify(taskId)} cannot name a git branch (${branch} ${why}); rename the task`,
  );
}

/** `nova/<slug>/tasks/<id>`: INVALID_TASK_ID or INVALID_BRANCH_NAME when the id cannot be one. */
export function taskBranch(slug: string, taskId: string): string {
  assertTaskId(taskId);
  const branch = `nova/${slug}/tasks/${taskId}`;
  const problem = refProblem(taskId);
  if (problem !== null) throw invalidBranch(taskId, branch, problem);
  return branch;
}

export const resultBranch = (slug: string): string => `nova/${slug}/result`;

/**
 * Asks git itself whether `branch` is a valid branch name (its rules are the authority; the check
 * above only covers the ones a task id can break). The name travels as one argv entry.
 */
export async function checkBranchName(
  taskId: string,
  branch: string,
  options: Omit<GitOptions, 'ok'>,
): Promise<void> {
  const r = await git(['check-ref-format', '--branch', branch], { ...options, ok: [1, 128] });
  if (r.code !== 0) throw invalidBranch(taskId, branch, 'is rejected by git check-ref-format');
}
