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
  lines.push(
    '',
    'Do this task in the current working directory. Keep to its scope, and leave the code',
    'building and its tests passing. When you are done, say briefly what you changed.',
  );
  return `${lines.join('\n')}\n`;
}
