/** The publishable packages of the workspace, found from the workspace's own package.json files. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface WorkspacePackage {
  name: string;
  dir: string;
  /** Has an entry with types (a library), as opposed to an app shipped for its bin or files. */
  library: boolean;
  /** Names of the workspace packages it depends on (not dev). */
  internalDeps: string[];
}

export function publishablePackages(): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const parent of ['packages', 'apps', 'examples/agents']) {
    for (const name of readdirSync(join(ROOT, parent))) {
      const dir = join(ROOT, parent, name);
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      if (pkg.private) continue;
      const deps = Object.keys(pkg.dependencies ?? {});
      found.push({
        name: pkg.name,
        dir,
        library: typeof pkg.exports?.['.']?.types === 'string',
        internalDeps: deps.filter((d) => d.startsWith('@program-nova/')),
      });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** `name` and every workspace package it needs, transitively. */
export function closure(name: string, all: readonly WorkspacePackage[]): WorkspacePackage[] {
  const byName = new Map(all.map((p) => [p.name, p]));
  const seen = new Map<string, WorkspacePackage>();
  const visit = (n: string) => {
    const p = byName.get(n);
    if (!p || seen.has(n)) return;
    seen.set(n, p);
    for (const d of p.internalDeps) visit(d);
  };
  visit(name);
  return [...seen.values()];
}
