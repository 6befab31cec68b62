import { describe, expect, it } from 'vitest';
import { event } from '../test/helpers.js';
import { checkEventName, eventMatches, NOTIFY_EVENTS } from './events.js';
import { checkHooks, hookValues } from './hooks.js';
import { checkWebhooks, webhookLabel } from './webhooks.js';

describe('event names', () => {
  it('takes every event name and *', () => {
    for (const name of [...NOTIFY_EVENTS, '*']) expect(checkEventName(name, '--on')).toBe(name);
  });

  it('refuses an unknown name, naming it and the closest known one', () => {
    expect(() => checkEventName('task:faild', '--on')).toThrow(
      expect.objectContaining({
        code: 'E_UNKNOWN_EVENT',
        message: '--on: unknown event "task:faild" (did you mean "task:failed"?)',
      }),
    );
    expect(() => checkEventName('Run:Finished', 'hooks')).toThrow(/did you mean "run:finished"/);
  });

  it('lists the events when nothing is close', () => {
    expect(() => checkEventName('deploy', 'hooks')).toThrow(
      /unknown event "deploy" \(events: run:started, task:started, .*run:finished, \*\)/,
    );
  });

  it('an event list matches its events, * everything, undefined everything', () => {
    const e = event('task:failed');
    expect(eventMatches(['task:failed'], e)).toBe(true);
    expect(eventMatches(['task:completed'], e)).toBe(false);
    expect(eventMatches(['*'], e)).toBe(true);
    expect(eventMatches(undefined, e)).toBe(true);
  });
});

describe('checkHooks', () => {
  it('splits command strings without a shell and keeps argv arrays', () => {
    expect(
      checkHooks([
        { event: 'task:failed', command: `notify 'task {id} failed' --why "{error}"` },
        { event: '*', command: ['log', '{event} {id}'] },
      ]),
    ).toEqual([
      { event: 'task:failed', argv: ['notify', 'task {id} failed', '--why', '{error}'] },
      { event: '*', argv: ['log', '{event} {id}'] },
    ]);
  });

  it('refuses unknown events, empty commands and unbalanced quotes', () => {
    expect(() =>
      checkHooks([{ event: 'milestones', command: 'x' }], 'nova.config.json: hooks'),
    ).toThrow('nova.config.json: hooks: unknown event "milestones" (did you mean "milestone"?)');
    expect(() => checkHooks([{ event: 'task:failed', command: '  ' }])).toThrow(
      expect.objectContaining({
        code: 'E_INVALID_HOOK',
        message: 'hooks: the command for "task:failed" is empty',
      }),
    );
    expect(() => checkHooks([{ event: 'task:failed', command: "say 'hi" }])).toThrow(
      expect.objectContaining({
        code: 'E_INVALID_HOOK',
        message: expect.stringContaining("unbalanced ' quote"),
      }),
    );
  });

  it('placeholders: event, id, name, status, error, project, state; absent fields are empty', () => {
    expect(
      hookValues(
        event('task:failed', { id: 'API-03', name: 'Add auth', status: 'failed', error: 'exit 1' }),
      ),
    ).toEqual({
      event: 'task:failed',
      id: 'API-03',
      name: 'Add auth',
      status: 'failed',
      error: 'exit 1',
      project: 'todo-api',
      state: '/work/todo/cascade_state.json',
    });
    expect(hookValues(event('run:started'))).toMatchObject({ id: '', name: '', error: '' });
  });
});

describe('checkWebhooks', () => {
  it('takes http and https URLs and checks their event names', () => {
    const [w] = checkWebhooks([{ url: 'https://example.test/hook', events: ['task:failed'] }]);
    expect(w!.url.href).toBe('https://example.test/hook');
    expect(w!.events).toEqual(['task:failed']);
    expect(() => checkWebhooks([{ url: 'https://x.test', events: ['task:fail'] }])).toThrow(
      /unknown event "task:fail" \(did you mean "task:failed"\?\)/,
    );
  });

  it('refuses what is not an http(s) URL', () => {
    expect(() => checkWebhooks([{ url: 'hooks.example.test/x' }], '--webhook')).toThrow(
      expect.objectContaining({
        code: 'E_INVALID_WEBHOOK',
        message: '--webhook: "hooks.example.test/x" is not a URL',
      }),
    );
    expect(() => checkWebhooks([{ url: 'ftp://u:p@example.test/x' }])).toThrow(
      'webhooks: a ftp URL cannot be a webhook (http or https only)',
    );
    expect(() => checkWebhooks([{ url: 'https://x.test', secret: '' }])).toThrow(/secret/);
  });

  it('labels leave out credentials, the query and path segments past the first', () => {
    expect(
      webhookLabel(new URL('https://user:pw@hooks.example.test/services/T0/B0/XYZ?token=s')),
    ).toBe('https://hooks.example.test/services/…');
    expect(webhookLabel(new URL('http://127.0.0.1:8080/'))).toBe('http://127.0.0.1:8080');
  });
});
