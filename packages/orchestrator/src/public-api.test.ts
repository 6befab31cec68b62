import { expect, it } from 'vitest';
import * as api from './index.js';

it('pins the runtime exports of @program-nova/orchestrator', () => {
  expect(Object.keys(api).sort()).toEqual([
    'LocalExecutor',
    'Orchestrator',
    'OrchestratorError',
    'backoffDelay',
    'failureOutcome',
    'isOrchestratorError',
    'outcomeOfWorkerResult',
    'splitCommand',
  ]);
});
