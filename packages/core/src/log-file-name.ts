/**
 * Where a task's output goes inside the logs folder: the current (or last) attempt in `<id>.log`,
 * earlier attempts moved aside to `<id>.log.1`, `<id>.log.2`, ... in the order they ran.
 * Callers pass a validated task id (see isTaskId), so a name never leaves the folder.
 */
export function logFileName(taskId: string): string {
  return `${taskId}.log`;
}

/** The n-th earlier attempt's log (n >= 1, oldest first). */
export function earlierLogFileName(taskId: string, n: number): string {
  return `${logFileName(taskId)}.${n}`;
}
