import type { Cascade } from '@program-nova/parser';
import type { Colors } from '../core/colors.js';
import { terminalText } from '../core/terminal-text.js';

/** How many IDs one line shows before "(+N more)": a 10,000-task plan still prints a readable page. */
const MAX_IDS_PER_LINE = 12;

function idList(ids: readonly string[]): string {
  const shown = terminalText(ids.slice(0, MAX_IDS_PER_LINE).join(', '));
  return ids.length <= MAX_IDS_PER_LINE
    ? shown
    : `${shown} (+${ids.length - MAX_IDS_PER_LINE} more)`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The plan as a page for the terminal; every name from the plan is made safe for it. */
export function planText(cascade: Cascade, file: string, c: Colors): string {
  const waves = cascade.waves();
  const critical = cascade.criticalPath();
  const groups = cascade.hierarchy.reduce((n, b) => n + b.groups.length, 0);
  const widest = waves.reduce((n, w) => Math.max(n, w.length), 0);
  const lines: string[] = [];
  lines.push(c.bold(terminalText(cascade.projectName)));
  lines.push(
    `${terminalText(file)}: ${plural(cascade.tasks.length, 'task')} in ${plural(cascade.hierarchy.length, 'branch', 'branches')}, ${plural(groups, 'group')}`,
  );

  lines.push('', c.bold('Branches'));
  for (const branch of cascade.hierarchy) {
    const count = branch.groups.reduce((n, g) => n + g.tasks.length, 0);
    lines.push(`  ${c.cyan(terminalText(branch.branch))} (${plural(count, 'task')})`);
    for (const group of branch.groups) {
      lines.push(
        `    ${terminalText(group.group)} (${group.tasks.length}): ${idList(group.tasks)}`,
      );
    }
  }

  lines.push(
    '',
    c.bold(`Waves (${waves.length}; at most ${plural(widest, 'task')} can run at once)`),
  );
  const label = String(waves.length).length;
  waves.forEach((wave, i) => {
    lines.push(`  ${String(i + 1).padStart(label)}. ${idList(wave)}`);
  });

  lines.push('', c.bold(`Critical path (${plural(critical.length, 'task')})`));
  critical.path.forEach((id, i) => {
    const task = cascade.getTask(id);
    const name = task && task.name !== id ? ` ${c.dim(terminalText(task.name))}` : '';
    lines.push(`  ${i === 0 ? '  ' : '->'} ${terminalText(id)}${name}`);
  });
  return `${lines.join('\n')}\n`;
}
