/**
 * The task id rule. An id names a log file, a git branch and an environment marker, so it is kept
 * to characters that are safe in all three: it starts with a letter or digit, and `/` and
 * whitespace can never appear (which also rules out `..` as a path segment).
 */
export const TASK_ID_PATTERN_TEXT = '[A-Za-z0-9][A-Za-z0-9._-]*';

export const TASK_ID_PATTERN = new RegExp(`^${TASK_ID_PATTERN_TEXT}$`);

export function isTaskId(value: unknown): value is string {
  return typeof value === 'string' && TASK_ID_PATTERN.test(value);
}
