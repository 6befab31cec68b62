import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('public API', () => {
  it('pins the runtime exports of @program-nova/worker', () => {
    expect(Object.keys(api).sort()).toEqual([
      'DEFAULT_COMMAND',
      'DEFAULT_KILL_GRACE_MS',
      'DEFAULT_MAX_LOG_BYTES',
      'DEFAULT_MODEL',
      'DEFAULT_PROGRESS_INTERVAL_MS',
      'DEFAULT_RESULT_GRACE_MS',
      'DEFAULT_STDIN',
      'FAILURE_KIND_OF',
      'WorkerError',
      'buildPrompt',
      'createUsageTracker',
      'createWorkerHost',
      'detectUsageLimit',
      'expandTemplate',
      'expandText',
      'isProcessAlive',
      'killProcessGroup',
      'parseAgentOutput',
      'parseResetTime',
      'reapProcessGroup',
      'startWorker',
    ]);
  });
});
