/**
 * How an attempt ended, decided from plain facts gathered while it ran: no process, no timers, no
 * files. The rules (and their order) are the README's "Outcome rules".
 */
import { formatBytes, formatDuration, oneLine, tailLines } from '@program-nova/core';
import { WorkerError, type WorkerErrorFields } from './errors.js';
import { indent, lastNonEmptyLine } from './messages.js';
import type { AgentOutputSummary, WorkerErrorCode, WorkerResult } from './types.js';
import { detectUsageLimit } from './usage.js';

/** Why Nova stopped the process, when it did. */
export type StopReason = 'terminated' | 'timeout' | 'inactivity' | 'output_cap' | 'result_grace';

const STDERR_TAIL_LINES = 20;

export interface AttemptFacts {
  taskId: string;
  /** argv[0], as spawned. */
  command: string;
  logPath: string;
  /** A problem found before the process could run (spawn, cwd, log): decides the outcome alone. */
  setupError: WorkerError | null;
  exitCode: number | null;
  signal: string | null;
  stopReason: StopReason | null;
  /** Whether the agent's result had arrived when Nova stopped the process. */
  resultBeforeStop: boolean;
  terminateCalls: number;
  timeoutMs: number | undefined;
  inactivityMs: number | undefined;
  maxLogBytes: number;
  summary: AgentOutputSummary;
  /** The end of what the process printed on stderr. */
  stderr: string;
  /** Why the log is not complete so far (see AttemptLog.incomplete), or null. */
  logIncomplete: string | null;
  durationMs: number;
  /** The time the outcome is decided (for how long until a usage limit resets). */
  now: number;
}

/** The result of an attempt from what is known about it. */
export function classifyOutcome(f: AttemptFacts): WorkerResult {
  const s = f.summary;
  const base = {
    usage: s.usage,
    costUsd: s.costUsd,
    model: s.model,
    sessionId: s.sessionId,
    durationMs: f.durationMs,
    logPath: f.logPath,
    resultText: s.result?.text ?? null,
    logIncomplete: f.logIncomplete,
  };
  if (f.setupError) return { ok: false, error: f.setupError, ...base };

  const id = f.taskId;
  const cmd = JSON.stringify(f.command);
  const where =
    f.logIncomplete === null
      ? `Log: ${f.logPath}`
      : `(the log ${f.logPath} is incomplete: ${f.logIncomplete})`;
  const stderr = tailLines(f.stderr, STDERR_TAIL_LINES);
  const stderrPart =
    stderr === '' ? ' It printed nothing on stderr.' : `\nLast lines of stderr:\n${indent(stderr)}`;
  const judgedByResult =
    f.stopReason === 'result_grace' ||
    ((f.stopReason === 'timeout' || f.stopReason === 'inactivity') && f.resultBeforeStop);
  const fail = (code: WorkerErrorCode, message: string, extra: WorkerErrorFields = {}) => ({
    ok: false as const,
    error: new WorkerError(code, `Task ${id}: ${message}`, {
      exitCode: f.exitCode,
      signal: f.signal,
      stderrTail: stderr,
      ...extra,
    }),
    ...base,
  });

  switch (f.stopReason) {
    case 'terminated':
      return fail(
        'TERMINATED',
        `stopped by Nova before it finished (its process group was sent SIGTERM${f.terminateCalls > 1 ? ', then SIGKILL' : ''}). ${where}`,
      );
    case 'timeout':
      if (!judgedByResult) {
        return fail(
          'TIMEOUT',
          `still running after its wall-clock timeout of ${formatDuration(f.timeoutMs)}, so it was stopped. If it needs longer, raise its Timeout (column or --timeout); otherwise see what it was doing at the end of its log. ${where}`,
          { timedOut: true },
        );
      }
      break;
    case 'inactivity':
      if (!judgedByResult) {
        return fail(
          'INACTIVITY_TIMEOUT',
          `printed nothing for ${formatDuration(f.inactivityMs)} (inactivity timeout), so it was stopped. It may be waiting for input or stuck in a command; the end of its log shows its last step. ${where}`,
          { timedOut: true },
        );
      }
      break;
    case 'output_cap':
      return fail(
        'OUTPUT_CAP',
        `printed more than the log cap of ${formatBytes(f.maxLogBytes)}, so it was stopped. Look at the end of its log for what floods the output, or raise the cap (--max-log-size, or maxLogSize in the config). ${where}`,
      );
    default:
      break;
  }

  const limit = detectUsageLimit(s, f.now);
  const failedRun = s.result?.isError === true || (f.exitCode !== 0 && !judgedByResult);
  if (limit && failedRun) {
    const when = limit.resetAt
      ? `It resets at ${limit.resetAt} (in ${formatDuration(Math.max(0, Date.parse(limit.resetAt) - f.now))}); run it again after that.`
      : 'The agent did not say when it resets; run it again later.';
    return fail(
      'USAGE_LIMIT',
      `the agent hit a usage limit${limit.message ? ` ("${oneLine(limit.message)}")` : ''}. ${when} ${where}`,
      { resetAt: limit.resetAt },
    );
  }
  if (s.result?.isError) {
    const details = [
      s.result.subtype ? `subtype ${s.result.subtype}` : null,
      s.result.numTurns !== null ? `after ${s.result.numTurns} turns` : null,
      f.exitCode !== null ? `exit code ${f.exitCode}` : null,
    ].filter((d) => d !== null);
    const text = s.result.text ? `: "${oneLine(s.result.text, 500)}"` : ' without saying why';
    return fail(
      'AGENT_ERROR',
      `the agent reported an error${details.length ? ` (${details.join(', ')})` : ''}${text}. ${where}`,
    );
  }
  if (judgedByResult && s.result !== null) {
    return { ok: true, exitCode: 0, stoppedAfterResult: true, numTurns: s.numTurns, ...base };
  }
  if (f.signal !== null) {
    return fail(
      'SIGNAL',
      `${cmd} was killed by ${f.signal}, which Nova did not send (a crash, the out-of-memory killer, or another program).${stderrPart}\n${where}`,
    );
  }
  if (f.exitCode !== 0) {
    // The first line is what summaries show: end it with stderr's last line, usually the cause.
    const cause = lastNonEmptyLine(stderr);
    return fail(
      'EXIT_CODE',
      `${cmd} exited with code ${f.exitCode}${cause ? `: ${oneLine(cause, 200)}` : '.'}${stderrPart}\n${where}`,
    );
  }
  return { ok: true, exitCode: 0, numTurns: s.numTurns, ...base };
}
