/**
 * Keeps a worktrees folder that sits inside the repository out of the user's `git status`: one line
 * in the repository's own `info/exclude` (shared by all its worktrees), never in a tracked file
 * such as `.gitignore`.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';

/** A gitignore pattern matching exactly one folder, given relative to the repository root. */
export function excludePattern(relativeFolder: string): string {
  const path = relativeFolder
    .split(sep)
    .join('/')
    // Glob characters and backslashes in a folder name are matched literally when escaped.
    .replace(/[\\*?[\]]/g, (c) => `\\${c}`)
    // Trailing spaces are ignored by git unless escaped.
    .replace(/ +$/, (spaces) => spaces.replace(/ /g, '\\ '));
  return `/${path}/`;
}

/** Adds the folder's line to `<gitDir>/info/exclude` unless it is there already. */
export function excludeFolder(gitDir: string, relativeFolder: string): void {
  const pattern = excludePattern(relativeFolder);
  const infoDir = join(gitDir, 'info');
  const file = join(infoDir, 'exclude');
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    mkdirSync(infoDir, { recursive: true });
  }
  if (text.split(/\r?\n/).includes(pattern)) return;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  appendFileSync(file, `${separator}${pattern}\n`);
}
