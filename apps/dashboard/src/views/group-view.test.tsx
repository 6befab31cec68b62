import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { at, bigRun, failedRun } from '../../test/fixtures.js';
import { renderView } from '../../test/render.js';
import { parseRoute, type TaskQuery } from '../routing/routes.js';
import { GroupView } from './group-view.js';

const rows = () => [...document.querySelectorAll<HTMLElement>('a.trow[data-task-id]')];

describe('GroupView', () => {
  it('lists its tasks with status, duration, tokens and cost', () => {
    renderView(
      <GroupView branch="Application" group="Foundation" />,
      failedRun(),
      new Date(at(161)),
    );
    expect(rows().map((r) => r.dataset.taskId)).toEqual(['F1', 'F2', 'F3', 'F4']);
    const f1 = rows()[0]!;
    expect(f1.getAttribute('href')).toBe('#/task/F1');
    expect(within(f1).getByText('Completed')).toBeTruthy();
    expect(within(f1).getByText('1m')).toBeTruthy();
    expect(within(f1).getByText('1.50k')).toBeTruthy();
    expect(within(f1).getByText('$0.12')).toBeTruthy();
    expect(within(rows()[1]!).getByText('Failed')).toBeTruthy();
    expect(within(rows()[2]!).getByText('Blocked')).toBeTruthy();
  });

  it('counts a running task live', () => {
    const state = failedRun();
    const { update } = renderView(
      <GroupView branch="Application" group="Features" />,
      state,
      new Date(at(161)),
    );
    const x3 = () => rows().find((r) => r.dataset.taskId === 'X3')!;
    expect(within(x3()).getByText('Running')).toBeTruthy();
    expect(within(x3()).getByText('1m')).toBeTruthy();
    update(state, new Date(at(191)));
    expect(within(x3()).getByText('1m 30s')).toBeTruthy();
  });

  it('filters and sorts through the URL', () => {
    const { unmount } = renderView(
      <GroupView branch="Application" group="Foundation" />,
      failedRun(),
      new Date(at(161)),
    );
    fireEvent.click(screen.getByRole('button', { name: /^Failed/ }));
    expect(window.location.hash).toBe('#/group/Application/Foundation?status=failed');
    fireEvent.click(screen.getByRole('button', { name: /^Cost/ }));
    expect(window.location.hash).toBe('#/group/Application/Foundation?sort=cost&dir=desc');
    unmount();
    renderView(
      <GroupView
        branch="Application"
        group="Foundation"
        query={(parseRoute('#/group/A/F?status=failed,blocked') as { query: TaskQuery }).query}
      />,
      failedRun(),
      new Date(at(161)),
    );
    expect(rows().map((r) => r.dataset.taskId)).toEqual(['F2', 'F3']);
    expect(screen.getByTestId('table-count').textContent).toBe('2 of 4 tasks');
  });

  it('renders only the visible rows of a 5,000-task group', () => {
    renderView(<GroupView branch="Main" group="Group 0" />, bigRun(5000, 5000), new Date(at(9000)));
    const rendered = rows();
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.length).toBeLessThan(100);
    expect(rendered[0]!.dataset.taskId).toBe('T0');
    expect(screen.getByRole('region', { name: 'Tasks of Group 0' }).dataset.count).toBe('5000');
  });
});
