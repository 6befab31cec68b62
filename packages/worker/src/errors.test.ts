import { describe, expect, it } from 'vitest';
import { FAILURE_KIND_OF, WorkerError } from './errors.js';

describe('WorkerError', () => {
  it('maps each code to a state failure kind and retryability', () => {
    const e = new WorkerError('COMMAND_NOT_FOUND', 'm');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('WorkerError');
    expect([e.kind, e.retryable, e.timedOut, e.exitCode, e.signal]).toEqual([
      'command_not_found',
      false,
      false,
      null,
      null,
    ]);
    expect(new WorkerError('TIMEOUT', 'm').timedOut).toBe(true);
    expect(new WorkerError('TERMINATED', 'm').kind).toBe('interrupted');
    // A dead worker host is Nova's failure, not the task's: the task goes back to pending.
    expect(new WorkerError('HOST_EXITED', 'm').kind).toBe('interrupted');
    expect(new WorkerError('EXIT_CODE', 'm', { exitCode: 2 }).retryable).toBe(true);
    expect(Object.keys(FAILURE_KIND_OF).sort()).toEqual([
      'AGENT_ERROR',
      'COMMAND_NOT_FOUND',
      'EXIT_CODE',
      'HOST_EXITED',
      'INACTIVITY_TIMEOUT',
      'LOG_UNAVAILABLE',
      'OUTPUT_CAP',
      'SIGNAL',
      'SPAWN_FAILED',
      'TERMINATED',
      'TIMEOUT',
      'USAGE_LIMIT',
    ]);
  });

  it('LOG_UNAVAILABLE is the machine failing, not the task: interrupted, retryable, environment', () => {
    const cause = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const e = new WorkerError('LOG_UNAVAILABLE', 'm', {
      path: '/logs/T1.log',
      errno: 'EACCES',
      cause,
    });
    expect(e).toMatchObject({
      kind: 'interrupted',
      retryable: true,
      environment: true,
      path: '/logs/T1.log',
      errno: 'EACCES',
    });
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({
      code: 'LOG_UNAVAILABLE',
      environment: true,
      path: '/logs/T1.log',
      errno: 'EACCES',
    });
    // Every other failure is the task's own, about no file in particular.
    expect(new WorkerError('EXIT_CODE', 'm')).toMatchObject({
      environment: false,
      path: null,
      errno: null,
    });
  });

  it('keeps its cause and serialises its fields', () => {
    const cause = new Error('inner');
    const e = new WorkerError('USAGE_LIMIT', 'limit', {
      resetAt: '2030-01-01T00:00:00.000Z',
      cause,
    });
    expect(e.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({
      code: 'USAGE_LIMIT',
      kind: 'usage_limit',
      resetAt: '2030-01-01T00:00:00.000Z',
    });
  });
});
