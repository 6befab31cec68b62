import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DashboardServerError } from './errors.js';

/**
 * Finds the built app of @program-nova/dashboard (a dependency of the CLI) through its package.json,
 * so it works from the workspace, from the bundled CLI and from an installed package alike.
 */
export function resolveDashboardAppDir(from: string = import.meta.url): string {
  let packageJson: string;
  try {
    packageJson = createRequire(from).resolve('@program-nova/dashboard/package.json');
  } catch (cause) {
    throw new DashboardServerError(
      'E_APP_NOT_BUILT',
      'cannot find the @program-nova/dashboard package; reinstall @program-nova/cli',
      { cause },
    );
  }
  const appDir = join(dirname(packageJson), 'dist');
  if (!existsSync(join(appDir, 'index.html'))) {
    throw new DashboardServerError(
      'E_APP_NOT_BUILT',
      `the dashboard app is not built: ${join(appDir, 'index.html')} is missing (run: pnpm turbo run build --filter=@program-nova/dashboard)`,
    );
  }
  return appDir;
}
