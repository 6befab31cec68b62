import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hrefFor, parseRoute, type Route } from './routes.js';

describe('routes', () => {
  it.each([
    ['', { view: 'project' }],
    ['#/', { view: 'project' }],
    ['#/branch/Application', { view: 'branch', branch: 'Application' }],
    ['#/group/App%20One/Core%2FTypes', { view: 'group', branch: 'App One', group: 'Core/Types' }],
    ['#/task/F1.2', { view: 'task', id: 'F1.2' }],
    ['#/graph', { view: 'graph' }],
    ['#/graph/B/G', { view: 'graph', branch: 'B', group: 'G' }],
    ['#/timeline', { view: 'timeline' }],
    ['#/timeline/', { view: 'timeline' }],
    ['#/nope', { view: 'not_found', path: '/nope' }],
    ['#/task/%E0%A4%A', { view: 'not_found', path: '/task/%E0%A4%A' }],
    ['#/task/', { view: 'not_found', path: '/task/' }],
    ['#/task/F2?attempt=2', { view: 'task', id: 'F2', attempt: 2 }],
    ['#/task/F2?attempt=0', { view: 'task', id: 'F2' }],
    ['#/tasks', { view: 'tasks', query: { status: [], sort: 'order', dir: 'asc', q: '' } }],
    [
      '#/tasks?status=failed,blocked,bogus&sort=cost&dir=desc&q=api',
      {
        view: 'tasks',
        query: { status: ['failed', 'blocked'], sort: 'cost', dir: 'desc', q: 'api' },
      },
    ],
    [
      '#/group/B/G?status=failed',
      {
        view: 'group',
        branch: 'B',
        group: 'G',
        query: { status: ['failed'], sort: 'order', dir: 'asc', q: '' },
      },
    ],
  ] as [string, Route][])('parses %s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('round-trips any branch, group and task name', () => {
    const name = fc.string({ minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(name, name, name, (branch, group, id) => {
        for (const route of [
          { view: 'branch', branch },
          { view: 'group', branch, group },
          { view: 'task', id },
          { view: 'graph', branch, group },
          {
            view: 'tasks',
            query: { status: ['failed'], sort: 'cost', dir: 'desc', q: id, branch },
          },
          {
            view: 'group',
            branch,
            group,
            query: { status: [], sort: 'duration', dir: 'asc', q: id },
          },
        ] as Route[]) {
          expect(parseRoute(hrefFor(route))).toEqual(route);
        }
      }),
    );
  });
});
