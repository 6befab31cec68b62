import { expect, it } from 'vitest';
import * as api from './index.js';

it('pins the runtime exports of @program-nova/executor-bullmq', () => {
  expect(Object.keys(api).sort()).toEqual([
    'BullmqExecutor',
    'BullmqExecutorError',
    'NovaWorker',
    'isBullmqExecutorError',
    'jobIdOf',
    'maskCredentials',
    'parseRedisUrl',
    'queueNameOf',
    'readJobData',
  ]);
});
