import type { Diagnostic } from './types.js';

/**
 * One problem as a single line, the way compilers print them:
 * `CASCADE.md:12:3 error E_UNKNOWN_DEPENDENCY task "F4" depends on unknown task "F9"`.
 * A diagnostic from a source parsed without a filename is printed as `<input>:12:3 ...`.
 */
export function formatDiagnostic(d: Diagnostic<string>, severity: 'error' | 'warning'): string {
  return `${d.file ?? '<input>'}:${d.line}:${d.column} ${severity} ${d.code} ${d.message}`;
}
