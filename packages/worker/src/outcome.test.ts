import { zeroUsage } from '@program-nova/core';
import { describe, expect, it } from 'vitest';
import { WorkerError } from './errors.js';
import { type AttemptFacts, classifyOutcome } from './outcome.js';
import type { AgentOutputSummary, AgentResultInfo, WorkerResult } from './types.js';

const NOW = Date.parse('2030-01-01T12:00:00.000Z');

function summary(extra: Partial<AgentOutputSummary> = {}): AgentOutputSummary {
  return {
    usage: { ...zeroUsage(), input_tokens: 10, output_tokens: 5 },
    costUsd: 0.01,
    model: 'm',
    sessionId: 's',
    numTurns: 2,
    result: null,
    rateLimit: null,
    modelUsage: null,
    assistantMessages: 1,
    events: 3,
    oversizedLines: 0,
    ...extra,
  };
}

function result(extra: Partial<AgentResultInfo> = {}): AgentResultInfo {
  return {
    isError: false,
    subtype: 'success',
    text: 'All done: 3 files changed.',
    numTurns: 2,
    durationMs: 100,
    ...extra,
  };
}

function facts(extra: Partial<AttemptFacts> = {}): AttemptFacts {
  return {
    taskId: 'T1',
    command: 'claude',
    logPath: '/logs/T1.log',
    setupError: null,
    exitCode: 0,
    signal: null,
    stopReason: null,
    resultBeforeStop: false,
    terminateCalls: 0,
    timeoutMs: 60_000,
    inactivityMs: 30_000,
    maxLogBytes: 200_000,
    summary: summary(),
    stderr: '',
    logIncomplete: null,
    durationMs: 1234,
    now: NOW,
    ...extra,
  };
}

const limitEvent = {
  status: 'rejected',
  resetsAt: '2030-01-01T14:00:00.000Z',
  limitType: 'five_hour',
};

/** code (or 'ok'), and for a success whether it was judged by its result. */
const verdict = (r: WorkerResult) =>
  r.ok ? (r.stoppedAfterResult ? 'ok-by-result' : 'ok') : r.error.code;

describe('classifyOutcome: which outcome, in the README order', () => {
  const cases: [string, Partial<AttemptFacts>, string][] = [
    ['exit 0', {}, 'ok'],
    ['exit 3', { exitCode: 3 }, 'EXIT_CODE'],
    ['a signal Nova did not send', { exitCode: null, signal: 'SIGSEGV' }, 'SIGNAL'],
    [
      'a setup error wins over everything',
      {
        setupError: new WorkerError('COMMAND_NOT_FOUND', 'x'),
        stopReason: 'timeout',
        exitCode: 1,
      },
      'COMMAND_NOT_FOUND',
    ],
    ['terminate()', { stopReason: 'terminated', exitCode: 143 }, 'TERMINATED'],
    [
      'terminate() even after the result',
      { stopReason: 'terminated', resultBeforeStop: true, summary: summary({ result: result() }) },
      'TERMINATED',
    ],
    ['timeout', { stopReason: 'timeout', exitCode: 143 }, 'TIMEOUT'],
    ['inactivity', { stopReason: 'inactivity', signal: 'SIGKILL' }, 'INACTIVITY_TIMEOUT'],
    [
      'a timeout after a successful result is judged by the result',
      {
        stopReason: 'timeout',
        resultBeforeStop: true,
        exitCode: 143,
        summary: summary({ result: result() }),
      },
      'ok-by-result',
    ],
    [
      'the result grace ran out after a successful result',
      { stopReason: 'result_grace', signal: 'SIGTERM', summary: summary({ result: result() }) },
      'ok-by-result',
    ],
    [
      'the result grace ran out after an error result',
      {
        stopReason: 'result_grace',
        signal: 'SIGTERM',
        summary: summary({ result: result({ isError: true }) }),
      },
      'AGENT_ERROR',
    ],
    [
      'the output cap, whatever the agent said',
      { stopReason: 'output_cap', summary: summary({ result: result() }) },
      'OUTPUT_CAP',
    ],
    [
      'an error result with exit 0',
      { summary: summary({ result: result({ isError: true }) }) },
      'AGENT_ERROR',
    ],
    [
      'a usage limit when the run failed',
      { exitCode: 1, summary: summary({ rateLimit: limitEvent }) },
      'USAGE_LIMIT',
    ],
    [
      'a rejected rate limit event on a run that succeeded is not a failure',
      { summary: summary({ rateLimit: limitEvent, result: result() }) },
      'ok',
    ],
  ];
  it.each(cases)('%s', (_, extra, expected) => {
    expect(verdict(classifyOutcome(facts(extra)))).toBe(expected);
  });
});

describe('classifyOutcome: what the result carries', () => {
  it('every field from the facts and the agent summary, on success and on failure', () => {
    const ok = classifyOutcome(facts({ summary: summary({ result: result() }) }));
    expect(ok).toEqual({
      ok: true,
      exitCode: 0,
      numTurns: 2,
      usage: { ...zeroUsage(), input_tokens: 10, output_tokens: 5 },
      costUsd: 0.01,
      model: 'm',
      sessionId: 's',
      durationMs: 1234,
      logPath: '/logs/T1.log',
      resultText: 'All done: 3 files changed.',
      logIncomplete: null,
    });
    const failed = classifyOutcome(
      facts({
        exitCode: 2,
        summary: summary({ result: result({ text: 'I could not finish' }) }),
        logIncomplete: 'the log was cut at 1 KiB: ENOSPC (no space left on device)',
      }),
    );
    expect(failed).toMatchObject({
      ok: false,
      resultText: 'I could not finish',
      logIncomplete: 'the log was cut at 1 KiB: ENOSPC (no space left on device)',
      error: { code: 'EXIT_CODE', exitCode: 2, environment: false, path: null, errno: null },
    });
  });

  it('resultText is null when the agent sent no result', () => {
    expect(classifyOutcome(facts()).resultText).toBeNull();
    expect(classifyOutcome(facts({ exitCode: 1 })).resultText).toBeNull();
  });
});

describe('classifyOutcome: messages', () => {
  const message = (extra: Partial<AttemptFacts>) => {
    const r = classifyOutcome(facts(extra));
    if (r.ok) throw new Error('expected a failure');
    return r.error.message;
  };

  it.each<[string, Partial<AttemptFacts>, string]>([
    [
      'exit code with the last stderr line',
      { exitCode: 3, stderr: 'warming up\nError: no config\n' },
      'Task T1: "claude" exited with code 3: Error: no config\nLast lines of stderr:\n  warming up\n  Error: no config\nLog: /logs/T1.log',
    ],
    [
      'exit code without stderr',
      { exitCode: 1 },
      'Task T1: "claude" exited with code 1. It printed nothing on stderr.\nLog: /logs/T1.log',
    ],
    [
      'terminated twice',
      { stopReason: 'terminated', terminateCalls: 2 },
      'Task T1: stopped by Nova before it finished (its process group was sent SIGTERM, then SIGKILL). Log: /logs/T1.log',
    ],
    [
      'usage limit with its reset time',
      { exitCode: 1, summary: summary({ rateLimit: limitEvent }) },
      'Task T1: the agent hit a usage limit. It resets at 2030-01-01T14:00:00.000Z (in 2h); run it again after that. Log: /logs/T1.log',
    ],
    [
      'usage limit whose reset the agent said in prose, read at the attempt’s clock',
      {
        exitCode: 1,
        summary: summary({
          result: result({
            isError: true,
            text: 'Claude usage limit reached, try again in 45 minutes',
          }),
        }),
      },
      'Task T1: the agent hit a usage limit ("Claude usage limit reached, try again in 45 minutes"). It resets at 2030-01-01T12:45:00.000Z (in 45m); run it again after that. Log: /logs/T1.log',
    ],
  ])('%s', (_, extra, expected) => {
    expect(message(extra)).toBe(expected);
  });

  it('the output cap names the option that raises it', () => {
    expect(message({ stopReason: 'output_cap' })).toBe(
      'Task T1: printed more than the log cap of 195.3 KiB, so it was stopped. Look at the end of its log for what floods the output, or raise the cap (--max-log-size, or maxLogSize in the config). Log: /logs/T1.log',
    );
  });

  it('a log that is not complete is said so instead of just naming it', () => {
    expect(
      message({ exitCode: 1, logIncomplete: 'the log was cut at 2 KiB: EIO (i/o error)' }),
    ).toContain('(the log /logs/T1.log is incomplete: the log was cut at 2 KiB: EIO (i/o error))');
  });
});
