import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { at, failedRun, plan } from '../../test/fixtures.js';
import { renderView } from '../../test/render.js';
import { TimelineView } from './timeline-view.js';

const rows = () => [...document.querySelectorAll<HTMLElement>('a.tl-row[data-task-id]')];

describe('TimelineView', () => {
  it('draws one bar per started task, by start time, coloured and labelled by status', () => {
    renderView(<TimelineView />, failedRun(), new Date(at(161)));
    expect(rows().map((r) => r.dataset.taskId)).toEqual(['F1', 'F2', 'F4', 'X3']);
    const bar = (id: string) =>
      rows()
        .find((r) => r.dataset.taskId === id)!
        .querySelector<HTMLElement>('.tl-bar')!;
    expect(bar('F2').className).toContain('s-failed');
    expect(bar('F2').title).toContain('Failed');
    expect(bar('X3').className).toContain('s-in_progress');
    // The run spans 0..161 s (X3 still running): F1 ran 0..60 s.
    expect(bar('F1').style.left).toBe('0%');
    expect(Number.parseFloat(bar('F1').style.width)).toBeCloseTo((60 / 161) * 100, 1);
    expect(Number.parseFloat(bar('X3').style.left)).toBeCloseTo((101 / 161) * 100, 1);
    expect(screen.getByText(/4 not started yet/)).toBeTruthy();
    // Rows are grouped by branch and carry the task's name.
    expect(document.querySelector('.tl-branch')!.textContent).toBe('Application · 4');
    expect(rows()[0]!.textContent).toContain('Core Types');
    expect(rows()[0]!.getAttribute('aria-label')).toContain('F1 Core Types: Completed');
  });

  it('zooms the time axis, which then scrolls sideways', () => {
    renderView(<TimelineView />, failedRun(), new Date(at(161)));
    const content = () => document.querySelector<HTMLElement>('.vtable-scroll > div')!;
    expect(content().style.width).toBe('');
    fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    expect(screen.getByTestId('timeline-zoom').textContent).toBe('1.5×');
    expect(content().style.width).toContain('1.5 *');
    fireEvent.click(screen.getByRole('button', { name: 'Fit' }));
    expect(screen.getByTestId('timeline-zoom').textContent).toBe('1×');
  });

  it('says when nothing has started', () => {
    renderView(<TimelineView />, plan(), new Date(at(0)));
    expect(screen.getByText(/No task has started yet/)).toBeTruthy();
    expect(rows()).toHaveLength(0);
  });
});
