/** Problems between tasks: duplicate IDs, self and unknown dependencies, cycles. */
import type { RawTask } from './extract.js';
import { describeCycle, findCycles } from './graph.js';
import { createSuggester } from './suggest.js';
import type { Diagnostic } from './types.js';

/** Past this many unknown dependencies, stop computing "did you mean" (each one scans every ID). */
const MAX_SUGGESTIONS = 200;

export function validateTasks(
  tasks: RawTask[],
  file: string | undefined,
): { errors: Diagnostic[]; cycles: string[][] } {
  const errors: Diagnostic[] = [];
  const where = file === undefined ? {} : { file };
  const first = new Map<string, RawTask>();
  for (const task of tasks) {
    const earlier = first.get(task.id);
    if (earlier === undefined) {
      first.set(task.id, task);
      continue;
    }
    errors.push({
      code: 'E_DUPLICATE_ID',
      message: `duplicate task ID "${task.id}": also defined on line ${earlier.line}`,
      line: task.idAt.line,
      column: task.idAt.column,
      ...where,
      related: [
        {
          line: earlier.idAt.line,
          column: earlier.idAt.column,
          message: `"${task.id}" first defined here`,
        },
      ],
    });
  }

  const suggester = createSuggester([...first.keys()]);
  let suggested = 0;
  for (const task of tasks) {
    for (const dep of task.deps) {
      if (dep.id === task.id) {
        errors.push({
          code: 'E_SELF_DEPENDENCY',
          message: `task "${task.id}" depends on itself`,
          line: dep.line,
          column: dep.column,
          ...where,
        });
      } else if (!first.has(dep.id)) {
        const hint = suggested++ < MAX_SUGGESTIONS ? suggester.suggest(dep.id) : undefined;
        const separators = /[;/|&+]/.test(dep.id)
          ? ' (separate dependencies with commas or spaces)'
          : '';
        errors.push({
          code: 'E_UNKNOWN_DEPENDENCY',
          message: `task "${task.id}" depends on unknown task "${dep.id}"${hint ? `; did you mean "${hint}"?` : separators}`,
          line: dep.line,
          column: dep.column,
          ...where,
        });
      }
    }
  }

  // Cycles among the first definition of each ID; self-dependencies are already reported above.
  const nodes = [...first.values()].map((t) => ({
    id: t.id,
    dependsOn: t.deps.filter((d) => d.id !== t.id).map((d) => d.id),
  }));
  const cycles = findCycles(nodes);
  for (const cycle of cycles) {
    const head = first.get(cycle[0]!)!;
    errors.push({
      code: 'E_CYCLE',
      message: describeCycle(cycle),
      line: head.depsAt.line,
      column: head.depsAt.column,
      ...where,
      related: cycle.slice(1).map((id, k) => {
        const t = first.get(id)!;
        return {
          line: t.depsAt.line,
          column: t.depsAt.column,
          message: `"${id}" depends on "${cycle[k]}"`,
        };
      }),
    });
  }
  return { errors, cycles };
}
