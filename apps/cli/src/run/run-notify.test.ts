import { describe, expect, it } from 'vitest';
import { toNotifyEvent } from './run-notify.js';

const run = { project: 'P', state: '/s/cascade_state.json' };
const state = {
  graph: { tasks: { A1: { name: 'One' }, M1: { name: 'Task named like a milestone' } } },
  tasks: { A1: { status: 'failed' } },
} as never;
const AT = '2026-12-06T20:00:00.000Z';

describe('toNotifyEvent', () => {
  it('task events carry the task name and status from the state', () => {
    expect(
      toNotifyEvent('task:failed', { id: 'A1', error: 'x', blocks: [] }, state, run, AT),
    ).toEqual({
      type: 'task:failed',
      at: AT,
      run,
      id: 'A1',
      name: 'One',
      status: 'failed',
      error: 'x',
      blocks: [],
    });
  });

  it('a payload never overrides type, at or run; a milestone is not looked up as a task', () => {
    expect(
      toNotifyEvent(
        'milestone',
        { id: 'M1', name: 'Beta', message: 'm', at: 'then', type: 'x', run: 'y' },
        state,
        run,
        AT,
      ),
    ).toEqual({ type: 'milestone', at: AT, run, id: 'M1', name: 'Beta', message: 'm' });
  });

  it('run:finished: the outcome as status, the error as its message', () => {
    const e = toNotifyEvent(
      'run:finished',
      {
        outcome: 'aborted',
        ok: false,
        summary: { totalTasks: 1 },
        costUsd: 0,
        error: new Error('logs folder gone'),
      },
      state,
      run,
      AT,
    );
    expect(e).toEqual({
      type: 'run:finished',
      at: AT,
      run,
      status: 'aborted',
      outcome: 'aborted',
      ok: false,
      summary: { totalTasks: 1 },
      costUsd: 0,
      error: 'logs folder gone',
    });
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });
});
