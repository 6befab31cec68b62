/** The files beside a state file: its journal and its lock. */
export function journalPathFor(stateFile: string): string {
  return `${stateFile}.journal`;
}

export function lockPathFor(stateFile: string): string {
  return `${stateFile}.lock`;
}
