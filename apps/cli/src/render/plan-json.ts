import type { Cascade, CriticalPath, HierarchyBranch, Task } from '@program-nova/parser';

export interface PlanJson {
  projectName: string;
  tasks: Pick<Task, 'id' | 'name' | 'description' | 'dependsOn' | 'branch' | 'group'>[];
  hierarchy: HierarchyBranch[];
  /** 0-based: wave 0 can start at once. */
  waves: string[][];
  criticalPath: CriticalPath;
}

export function planJson(cascade: Cascade): PlanJson {
  return {
    projectName: cascade.projectName,
    tasks: cascade.tasks.map((t) => ({
      id: t.id,
      name: t.name,
      description: t.description,
      dependsOn: [...t.dependsOn],
      branch: t.branch,
      group: t.group,
    })),
    hierarchy: cascade.hierarchy,
    waves: cascade.waves(),
    criticalPath: cascade.criticalPath(),
  };
}
