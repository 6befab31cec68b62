import type { PromptInput } from './types.js';

/**
 * The task prompt for a coding agent: where the task sits in the plan, what it must change, and
 * what it builds on, with what each dependency's agent reported when it finished. Plain text; task
 * text is included verbatim (it reaches the agent on stdin, never through a shell).
 */
export function buildPrompt(input: PromptInput): string {
  const { project, task } = input;
  const deps = input.dependencies ?? [];
  const lines: string[] = [
    `You are working on the project "${project}".`,
    `Branch: ${task.branch}`,
    `Group: ${task.group}`,
    '',
    `Your task is ${task.id}: ${task.name}`,
  ];
  if (task.description.trim() !== '') lines.push('', 'What changes:', task.description);
  const depIds = deps.length > 0 ? deps.map((d) => d.id) : [...(task.dependsOn ?? [])];
  if (depIds.length > 0) {
    lines.push('', 'It builds on these tasks, which are already completed:');
    if (deps.length > 0) {
      for (const d of deps) {
        const about = d.description.trim() === '' ? '' : ` - ${d.description}`;
        lines.push(`- ${d.id}: ${d.name}${about}`);
        if (d.branch && d.head)
          lines.push(`  Its work: branch ${d.branch}, commit ${short(d.head)}`);
        const report = d.resultText?.trim() ?? '';
        if (report !== '') {
          lines.push('  When it finished, it reported:');
          for (const line of report.split(/\r?\n/)) lines.push(line === '' ? '' : `    ${line}`);
        }
      }
    } else {
      for (const id of depIds) lines.push(`- ${id}`);
    }
  }
  const ws = input.workspace;
  if (ws) {
    lines.push(
      '',
      `You work in a git worktree of your own, on branch ${ws.branch}, starting from commit`,
      `${short(ws.startPoint)}${depIds.length > 0 ? ', which already holds the work of the tasks above' : ''}.`,
      'Commit as you like; whatever you leave uncommitted is committed for you when you exit.',
    );
  }
  const previous = input.previousFailure?.trim() ?? '';
  if (previous !== '') {
    lines.push(
      '',
      'A previous attempt at this task was rejected, and its work is still in this directory:',
      ...previous.split(/\r?\n/).map((l) => (l === '' ? '' : `    ${l}`)),
      'Fix what it reports.',
    );
  }
  lines.push(
    '',
    'Do this task in the current working directory. Keep to its scope, and leave the code',
    'building and its tests passing. When you are done, say briefly what you changed.',
  );
  return `${lines.join('\n')}\n`;
}

/** Commits as people quote them: the first 12 characters. */
function short(sha: string): string {
  return sha.slice(0, 12);
}
