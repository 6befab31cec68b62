/**
 * The one place that turns an error into what the user sees and the exit code. Errors with a known
 * `code` are user-facing (no stack trace); anything else is a bug in nova, shown with a stack only
 * when NOVA_DEBUG=1. New commands extend USER_ERROR_EXIT when they surface new error codes.
 * Messages quote file names, task IDs, plan text and arguments: every line is made safe for the
 * terminal here (line breaks of a message are kept, every other control character shown).
 */
import { CascadeError, formatDiagnostic } from '@program-nova/parser';
import { CliError, EXIT } from './cli-error.js';
import type { Colors } from './colors.js';
import { terminalLines, terminalText } from './terminal-text.js';

/** Error codes of the packages that mean "the input is wrong" (exit 2) or something else. */
export const USER_ERROR_EXIT: Record<string, number> = {
  // @program-nova/parser
  E_INVALID_CASCADE: EXIT.invalid,
  E_FILE_NOT_FOUND: EXIT.invalid,
  E_READ_FAILED: EXIT.invalid,
  E_CYCLE: EXIT.invalid,
  // @program-nova/state
  STATE_NOT_FOUND: EXIT.invalid,
  STATE_EMPTY: EXIT.invalid,
  STATE_CORRUPT: EXIT.invalid,
  STATE_INVALID: EXIT.invalid,
  STATE_SCHEMA: EXIT.invalid,
  STATE_READ_FAILED: EXIT.invalid,
  STATE_WRITE_FAILED: EXIT.invalid,
  JOURNAL_CORRUPT: EXIT.invalid,
  STATE_LOCKED: EXIT.invalid,
  MILESTONES_INVALID: EXIT.invalid,
  UNKNOWN_TASK: EXIT.invalid,
  // @program-nova/orchestrator
  INVALID_OPTIONS: EXIT.invalid,
  CASCADE_NOT_FOUND: EXIT.invalid,
  CASCADE_INVALID: EXIT.invalid,
  MILESTONES_NOT_FOUND: EXIT.invalid,
  STATE_ERROR: EXIT.invalid,
  LEASE_LOST: EXIT.invalid,
  PLAN_MISMATCH: EXIT.invalid,
  ENVIRONMENT: EXIT.invalid,
  // @program-nova/executor-bullmq
  REDIS_URL: EXIT.invalid,
  REDIS_UNREACHABLE: EXIT.invalid,
  REDIS_AUTH: EXIT.invalid,
  REDIS_ERROR: EXIT.invalid,
  // @program-nova/workspace (the bullmq executor's shared remote)
  INVALID_REMOTE: EXIT.invalid,
  REMOTE_FAILED: EXIT.invalid,
  // dashboard server
  E_APP_NOT_BUILT: EXIT.invalid,
  E_LISTEN: EXIT.invalid,
};

export interface ErrorReport {
  /** Lines for stderr, without trailing newlines. */
  lines: string[];
  exitCode: number;
}

export function describeError(error: unknown, colors: Colors, env: NodeJS.ProcessEnv): ErrorReport {
  const debug = env.NOVA_DEBUG === '1';
  const prefix = `nova: ${colors.red('error')}:`;
  const stack = (e: unknown) =>
    debug && e instanceof Error && e.stack ? [colors.dim(terminalLines(e.stack))] : [];
  const said = (message: string) => `${prefix} ${terminalLines(message)}`;

  if (error instanceof CliError) {
    const lines = [said(error.message)];
    if (error.code === 'E_USAGE') {
      lines.push(`Run 'nova ${error.command ? `${error.command} ` : ''}--help' for usage.`);
    }
    return { lines: [...lines, ...stack(error)], exitCode: error.exitCode };
  }

  if (error instanceof CascadeError && error.code === 'E_INVALID_CASCADE') {
    const lines = error.diagnostics.map((d) => terminalText(formatDiagnostic(d, 'error')));
    for (const w of error.warnings ?? []) lines.push(terminalText(formatDiagnostic(w, 'warning')));
    const n = error.diagnostics.length;
    lines.push(
      `${prefix} ${terminalText(error.file ?? 'the plan')} is not valid (${n} ${n === 1 ? 'problem' : 'problems'})`,
    );
    return { lines: [...lines, ...stack(error)], exitCode: EXIT.invalid };
  }

  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in USER_ERROR_EXIT && error instanceof Error) {
    return {
      lines: [said(error.message), ...stack(error)],
      exitCode: USER_ERROR_EXIT[code]!,
    };
  }

  const message = error instanceof Error ? error.message : String(error);
  return {
    lines: [
      said(message),
      ...(debug
        ? stack(error)
        : ['This is a bug in nova; run again with NOVA_DEBUG=1 for details.']),
    ],
    exitCode: EXIT.tasksFailed,
  };
}
