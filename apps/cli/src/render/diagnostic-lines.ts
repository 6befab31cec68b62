import { type Diagnostic, formatDiagnostic } from '@program-nova/parser';
import type { Colors } from '../core/colors.js';
import { terminalText } from '../core/terminal-text.js';

/**
 * `file:line:col severity CODE message`, with the severity coloured when colour is on. The whole
 * line is made safe for the terminal: messages quote the plan's text (an invalid Task ID, a cell).
 */
function diagnosticLine(d: Diagnostic<string>, severity: 'error' | 'warning', c: Colors): string {
  const plain = terminalText(formatDiagnostic(d, severity));
  if (!c.enabled) return plain;
  const marker = ` ${severity} `;
  // Looked for past the file name, which may hold the same word.
  const at = plain.indexOf(marker, terminalText(d.file ?? '').length);
  const paint = severity === 'error' ? c.red : c.yellow;
  return `${c.bold(plain.slice(0, at))} ${paint(severity)} ${plain.slice(at + marker.length)}`;
}

/** Errors and warnings together, in source order (errors first on the same spot). */
export function diagnosticLines(
  errors: readonly Diagnostic<string>[],
  warnings: readonly Diagnostic<string>[],
  c: Colors,
): string[] {
  const all = [
    ...errors.map((d) => ({ d, severity: 'error' as const })),
    ...warnings.map((d) => ({ d, severity: 'warning' as const })),
  ];
  all.sort(
    (a, b) => a.d.line - b.d.line || a.d.column - b.d.column || (a.severity === 'error' ? -1 : 1),
  );
  return all.map(({ d, severity }) => diagnosticLine(d, severity, c));
}
