import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { at, failedRun, fakeServer } from '../../test/fixtures.js';
import { renderView } from '../../test/render.js';
import { TaskView } from './task-view.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

function withLogs(logs: Record<string, string>) {
  const server = fakeServer(null, logs);
  vi.stubGlobal('fetch', server.fetch);
  return server;
}

describe('TaskView', () => {
  it('shows a failed task: reason, exit code, attempts, tokens, cost, links and log tail', async () => {
    withLogs({ F2: 'starting\nTypeError: cannot read properties of undefined\n' });
    renderView(<TaskView id="F2" />, failedRun(), new Date(at(161)));
    const failure = screen.getByTestId('failure');
    expect(failure.textContent).toContain(
      'exit code 1: TypeError: cannot read properties of undefined',
    );
    expect(failure.textContent).toContain('kind: exit_code');
    expect(failure.textContent).toContain('1 attempt');
    expect(screen.getByTestId('task-cost').textContent).toBe('$0.05');
    expect(screen.getByText('800')).toBeTruthy();
    const deps = screen.getByTestId('dependencies');
    expect(within(deps).getByText('F1').closest('a')!.getAttribute('href')).toBe('#/task/F1');
    expect(within(deps).getByText('Completed')).toBeTruthy();
    const dependents = screen.getByTestId('dependents');
    expect(
      within(dependents)
        .getAllByRole('link')
        .map((a) => a.getAttribute('href')),
    ).toEqual(['#/task/F3', '#/task/X1']);
    expect(within(dependents).getAllByText('Blocked')).toHaveLength(2);
    await waitFor(() =>
      expect(screen.getByTestId('log-text').textContent).toContain('TypeError: cannot read'),
    );
    const crumbs = screen.getByRole('navigation', { name: 'Breadcrumb' });
    expect(within(crumbs).getByText('Foundation').getAttribute('href')).toBe(
      '#/group/Application/Foundation',
    );
  });

  it('shows "blocked by" with links to the failed root, not to blocked tasks in between', () => {
    withLogs({});
    renderView(<TaskView id="D1" />, failedRun(), new Date(at(161)));
    expect(screen.getAllByText('Blocked').length).toBeGreaterThan(0);
    const blocked = screen.getByTestId('blocked-by');
    expect(
      within(blocked)
        .getAllByRole('link')
        .map((a) => a.getAttribute('href')),
    ).toEqual(['#/task/F2']);
    expect(screen.queryByTestId('failure')).toBeNull();
  });

  it('shows a running task live and refreshes its log while it runs', async () => {
    const server = withLogs({ X3: 'step 1\n' });
    const state = failedRun();
    const { update } = renderView(<TaskView id="X3" />, state, new Date(at(161)));
    expect(screen.getByTestId('task-duration').textContent).toBe('1m');
    update(state, new Date(at(222)));
    expect(screen.getByTestId('task-duration').textContent).toBe('2m 01s');
    await waitFor(() => expect(screen.getByTestId('log-text').textContent).toBe('step 1\n'));
    server.setLog('X3', 'step 1\nstep 2\n');
    await waitFor(
      () => expect(screen.getByTestId('log-text').textContent).toBe('step 1\nstep 2\n'),
      {
        timeout: 6000,
      },
    );
  });

  it('says when a task has no log yet, and when the task does not exist', async () => {
    withLogs({});
    const { unmount } = renderView(<TaskView id="F3" />, failedRun(), new Date(at(161)));
    await waitFor(() => expect(screen.getByText('No log for this task yet.')).toBeTruthy());
    unmount();
    renderView(<TaskView id="ZZ" />, failedRun(), new Date(at(161)));
    expect(screen.getByRole('alert').textContent).toContain('no task "ZZ"');
  });
});
