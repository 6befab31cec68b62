import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** Whether `command` can be started: a path to an executable file, or a name found on PATH. */
export function commandExists(command: string, env: NodeJS.ProcessEnv, cwd: string): boolean {
  const executable = (path: string) => {
    try {
      if (!statSync(path).isFile()) return false;
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (command.includes('/') || isAbsolute(command)) return executable(resolve(cwd, command));
  const dirs = (env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  return dirs.some((dir) => executable(join(dir, command)));
}
