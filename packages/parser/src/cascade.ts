import { criticalPath, dependentsMap, depths, topologicalOrder, waves } from './graph.js';
import type { Cascade, CriticalPath, HierarchyBranch, Task, Warning } from './types.js';

/**
 * A valid, parsed plan. Data is in own enumerable properties (so `JSON.stringify` gives the plan);
 * the graph answers are computed on first use and cached in private fields.
 */
export class ParsedCascade implements Cascade {
  readonly projectName: string;
  readonly filename?: string;
  readonly tasks: Task[];
  readonly hierarchy: HierarchyBranch[];
  readonly warnings: Warning[];
  #byId?: Map<string, Task>;
  #order?: string[];
  #dependents?: Map<string, string[]>;
  #depths?: Map<string, number>;
  #waves?: string[][];
  #critical?: CriticalPath;

  constructor(init: {
    projectName: string;
    filename?: string;
    tasks: Task[];
    hierarchy: HierarchyBranch[];
    warnings: Warning[];
  }) {
    this.projectName = init.projectName;
    if (init.filename !== undefined) this.filename = init.filename;
    this.tasks = init.tasks;
    this.hierarchy = init.hierarchy;
    this.warnings = init.warnings;
  }

  getTask(id: string): Task | undefined {
    this.#byId ??= new Map(this.tasks.map((t) => [t.id, t]));
    return this.#byId.get(id);
  }

  topologicalOrder(): string[] {
    this.#order ??= topologicalOrder(this.tasks);
    return [...this.#order];
  }

  dependentsOf(id: string): string[] {
    this.#dependents ??= dependentsMap(this.tasks);
    return [...(this.#dependents.get(id) ?? [])];
  }

  depth(id: string): number {
    this.#depths ??= depths(this.tasks);
    // -1 for an ID that is not in the plan, rather than a throw from a query
    return this.#depths.get(id) ?? -1;
  }

  waves(): string[][] {
    this.#waves ??= waves(this.tasks);
    return this.#waves.map((wave) => [...wave]);
  }

  criticalPath(): CriticalPath {
    this.#critical ??= criticalPath(this.tasks);
    const c = this.#critical;
    return { path: [...c.path], length: c.length, remaining: { ...c.remaining } };
  }
}
