import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apply, at, failedRun, finishedRun, plan, usage } from '../../test/fixtures.js';
import { renderView } from '../../test/render.js';
import { ProjectView } from './project-view.js';

const count = (status: string) =>
  document.querySelector(`[data-count="${status}"] .count-n`)?.textContent;

describe('ProjectView', () => {
  it('shows counts, a running task, the failure reason, milestones and one card per branch', () => {
    renderView(<ProjectView />, failedRun(), new Date(at(161)));
    expect(count('completed')).toBe('2');
    expect(count('in_progress')).toBe('1');
    expect(count('failed')).toBe('1');
    // F3, X1 (below F2), X2 and D1 (further below) are blocked, not pending.
    expect(count('blocked')).toBe('4');
    expect(count('pending')).toBe('0');
    expect(screen.getAllByRole('progressbar')[0]!.getAttribute('aria-label')).toBe(
      '2 of 8 tasks completed (25%)',
    );
    expect(screen.getByText(/TypeError: cannot read properties/)).toBeTruthy();
    const running = screen.getByText('Running now').closest('.panel') as HTMLElement;
    expect(within(running).getByText('X3')).toBeTruthy();
    // X3 started at +101 s: live for 60 s at +161 s.
    expect(within(running).getByText('1m')).toBeTruthy();
    expect(screen.getByText('Foundation half done')).toBeTruthy();
    const cards = screen.getAllByTestId('branch-card');
    expect(cards.map((c) => c.querySelector('h3')?.textContent)).toEqual(['Application', 'Docs']);
    expect(cards[0]!.getAttribute('href')).toBe('#/branch/Application');
    // Status in text as well as colour, and never contradicting the counts: Application still
    // runs X3 (so it is not "Failed"), Docs can do nothing until F2 is fixed (not "Pending").
    expect(within(cards[0]!).getByTestId('scope-status').textContent).toBe('●Running');
    expect(within(cards[1]!).getByTestId('scope-status').textContent).toBe('⊘Blocked');
    expect(within(cards[1]!).getByText('1 blocked')).toBeTruthy();
    // The project runs on despite the failure: it is not "Failed" while something runs.
    expect(screen.getAllByTestId('scope-status')[0]!.textContent).toBe('●Running');
    // Counts link to the task table, filtered.
    expect(document.querySelector('[data-count="failed"] a')!.getAttribute('href')).toBe(
      '#/tasks?status=failed',
    );
  });

  it('shows a finished run as all completed, with cost and tokens', () => {
    renderView(<ProjectView />, finishedRun(), new Date(at(10_000)));
    expect(count('completed')).toBe('8');
    expect(screen.getByText(/100% · 8 \/ 8 tasks completed/)).toBeTruthy();
    expect(screen.getByText('No task is running.')).toBeTruthy();
    expect(screen.getByText('No task has failed.')).toBeTruthy();
    // 8 tasks at $0.12 each, as recorded.
    expect(screen.getByText('$0.96')).toBeTruthy();
    // 8 x (1200 + 300) tokens.
    expect(screen.getByTitle('12,000 tokens')).toBeTruthy();
  });

  it('says how many tasks have tokens but no known price', () => {
    const state = failedRun();
    // A running task reports tokens on a model nobody priced, and no dollar figure.
    apply(state, {
      type: 'task_progress',
      at: at(150),
      id: 'X3',
      token_usage: usage(100, 10),
      cost_usd: null,
      model: 'some-local-model',
    });
    renderView(<ProjectView />, state, new Date(at(161)));
    expect(screen.getByText('+ 1 task with an unpriced model')).toBeTruthy();
  });

  it('shows a plan that has not started', () => {
    renderView(<ProjectView />, plan(), new Date(at(0)));
    expect(count('pending')).toBe('8');
    expect(screen.getByText('not started')).toBeTruthy();
    expect(screen.getByText('No milestone reached yet.')).toBeTruthy();
  });
});
