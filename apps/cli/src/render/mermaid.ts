import type { Cascade } from '@program-nova/parser';
import { terminalText } from '../core/terminal-text.js';

/** Characters Mermaid reads as syntax inside a quoted label, as its `#code;` entities. */
const ENTITIES: Record<string, string> = {
  // Ends the quoted label.
  '"': '#quot;',
  // Starts an entity.
  '#': '#35;',
  // Markup in the rendered label.
  '<': '#lt;',
  '>': '#gt;',
  '&': '#38;',
  // A label between backticks is read as Markdown.
  '`': '#96;',
};

/**
 * Text inside a quoted Mermaid label. Only a quote can end a quoted label, and quotes become an
 * entity; control characters are shown as visible escapes (terminalText), because the flowchart is
 * text that is often printed to a terminal and they mean nothing in a label either.
 */
export function mermaidLabel(text: string): string {
  let out = '';
  for (const ch of terminalText(text)) out += ENTITIES[ch] ?? ch;
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
