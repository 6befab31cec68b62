import type { Cascade } from '@program-nova/parser';

/** Text inside a quoted Mermaid label: quotes, angle brackets and # become Mermaid entity codes. */
export function mermaidLabel(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === '"') out += '#quot;';
    else if (ch === '#') out += '#35;';
    else if (ch === '<') out += '#lt;';
    else if (ch === '>') out += '#gt;';
    else if (ch === '\n' || ch === '\r') out += ' ';
    else out += ch;
  }
  return out;
}

/**
 * A Mermaid flowchart: one subgraph per branch, one per group inside it, an arrow from each
 * dependency to its dependent. Node IDs are generated (`t1`, `t2`, ...) because task IDs may hold
 * characters Mermaid reads as syntax; labels show the task ID and name.
 */
export function planMermaid(cascade: Cascade): string {
  const nodeId = new Map<string, string>();
  cascade.tasks.forEach((t, i) => {
    nodeId.set(t.id, `t${i + 1}`);
  });
  const lines = ['flowchart TD'];
  cascade.hierarchy.forEach((branch, b) => {
    lines.push(`  subgraph b${b + 1}["${mermaidLabel(branch.branch)}"]`);
    branch.groups.forEach((group, g) => {
      lines.push(`    subgraph b${b + 1}g${g + 1}["${mermaidLabel(group.group)}"]`);
      for (const id of group.tasks) {
        const task = cascade.getTask(id)!;
        const label = task.name === id ? id : `${id}: ${task.name}`;
        lines.push(`      ${nodeId.get(id)}["${mermaidLabel(label)}"]`);
      }
      lines.push('    end');
    });
    lines.push('  end');
  });
  for (const task of cascade.tasks) {
    for (const dep of task.dependsOn) lines.push(`  ${nodeId.get(dep)} --> ${nodeId.get(task.id)}`);
  }
  return `${lines.join('\n')}\n`;
}
