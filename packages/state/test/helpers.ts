import type { Cascade, Task } from '@program-nova/parser';

/** A Cascade-shaped object built by hand: `rows` are [id, dependsOn, branch, group]. */
export function makeCascade(
  rows: [id: string, deps: string[], branch: string, group: string][],
  projectName = 'Test Project',
): Cascade {
  const tasks: Task[] = rows.map(([id, deps, branch, group], i) => ({
    id,
    name: `Task ${id}`,
    description: `Does ${id}`,
    dependsOn: deps,
    branch,
    group,
    line: i + 3,
    fields: {},
  }));
  const hierarchy: Cascade['hierarchy'] = [];
  for (const t of tasks) {
    let b = hierarchy.find((x) => x.branch === t.branch);
    if (!b) {
      b = { branch: t.branch, groups: [] };
      hierarchy.push(b);
    }
    let g = b.groups.find((x) => x.group === t.group);
    if (!g) {
      g = { group: t.group, tasks: [] };
      b.groups.push(g);
    }
    g.tasks.push(t.id);
  }
  const unsupported = (): never => {
    throw new Error('not needed by these tests');
  };
  return {
    projectName,
    tasks,
    hierarchy,
    warnings: [],
    getTask: (id) => tasks.find((t) => t.id === id),
    topologicalOrder: unsupported,
    dependentsOf: unsupported,
    depth: unsupported,
    waves: unsupported,
    criticalPath: unsupported,
  };
}

/** A small plan of two groups with dependencies across them, plus a second branch. */
export function sampleCascade(): Cascade {
  return makeCascade([
    ['F1', [], 'Application', 'Foundation'],
    ['F2', ['F1'], 'Application', 'Foundation'],
    ['F4', ['F1', 'F2'], 'Application', 'Foundation'],
    ['U1', ['F4'], 'Application', 'Interface'],
    ['U2', ['U1'], 'Application', 'Interface'],
    ['D1', [], 'Docs', 'Guides'],
    ['D2', ['D1'], 'Docs', 'Guides'],
  ]);
}

export const usage = (input: number, output = 0, cacheRead = 0, cacheCreation = 0) => ({
  input_tokens: input,
  output_tokens: output,
  cache_read_tokens: cacheRead,
  cache_creation_tokens: cacheCreation,
});
