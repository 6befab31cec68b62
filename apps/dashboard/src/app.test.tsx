import { formatClock } from '@program-nova/core';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  apply,
  at,
  FAKE_STATE_FILE,
  failedRun,
  fakeServer,
  finishedRun,
  plan,
  runningF1,
} from '../test/fixtures.js';
import { App } from './app.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

function mount(server: ReturnType<typeof fakeServer>) {
  vi.stubGlobal('fetch', server.fetch);
  return render(<App poll={{ fetch: server.fetch, intervalMs: 20 }} />);
}

const runState = () => screen.getByTestId('run-state').textContent;

describe('App', () => {
  it('names the state file it waits for, then shows the run once it appears', async () => {
    const server = fakeServer(null);
    mount(server);
    await waitFor(() => expect(screen.getByTestId('empty-state')).toBeTruthy());
    expect(screen.getByTestId('empty-state').textContent).toContain(FAKE_STATE_FILE);
    expect(screen.queryByTestId('problem')).toBeNull();
    expect(screen.getByTestId('connection').textContent).toBe('Waiting for state file');
    server.setState(failedRun());
    server.setRunProcess('alive');
    await waitFor(() => expect(screen.getByTestId('project-view')).toBeTruthy());
    expect(screen.queryByTestId('problem')).toBeNull();
    expect(runState()).toBe('Running1 running · 1 failed, 4 blocked');
    expect(screen.getByTestId('connection').textContent).toMatch(/^Live/);
  });

  it('shows an unreadable state in place of the waiting card, not on top of it', async () => {
    const server = fakeServer(null);
    server.setRaw('{"schema_version": 1, "tas');
    mount(server);
    await waitFor(() => expect(screen.getByTestId('problem')).toBeTruthy());
    expect(screen.getByTestId('problem').textContent).toContain('STATE_CORRUPT');
    expect(screen.getByTestId('problem').textContent).toContain(FAKE_STATE_FILE);
    expect(screen.queryByTestId('empty-state')).toBeNull();
  });

  it('keeps the last good view when the file becomes unreadable', async () => {
    const server = fakeServer(failedRun());
    mount(server);
    await waitFor(() => expect(screen.getByTestId('project-view')).toBeTruthy());
    server.setRaw('not json');
    await waitFor(() =>
      expect(screen.getByTestId('problem').textContent).toContain('showing the last good state'),
    );
    expect(screen.getByTestId('project-view')).toBeTruthy();
    expect(screen.getByText('Demo Project', { selector: 'h1' })).toBeTruthy();
  });

  it('polls for changes only: 304 while nothing changed', async () => {
    const server = fakeServer(plan());
    mount(server);
    await waitFor(() => expect(server.calls.length).toBeGreaterThanOrEqual(3));
    expect(server.calls[0]!.status).toBe(200);
    expect(
      server.calls
        .slice(1, 3)
        .every(
          (c) => c.status === 304 && c.url === '/api/state?since=v1' && c.ifNoneMatch === '"v1"',
        ),
    ).toBe(true);
  });

  it('says plainly how a run ended, with the end time', async () => {
    const server = fakeServer(finishedRun());
    mount(server);
    await waitFor(() => expect(screen.getByTestId('project-view')).toBeTruthy());
    expect(runState()).toMatch(/^Finishedall completed · ended (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d$/);
    // The title is set in an effect after the render that shows the state.
    await waitFor(() => expect(document.title).toBe('Finished · Demo Project'));
    const stopped = failedRun();
    apply(stopped, { type: 'run_finished', at: at(200), completed: false, outcome: 'interrupted' });
    server.setState(stopped);
    await waitFor(() => expect(runState()).toMatch(/^Interrupted/));
    const budget = failedRun();
    apply(budget, {
      type: 'run_finished',
      at: at(200),
      completed: false,
      outcome: 'budget_exhausted',
    });
    server.setState(budget);
    await waitFor(() => expect(runState()).toContain('Stoppedthe cost budget is spent'));
  });

  it('shows a usage-limit pause in the header while it holds, in the words of nova status', async () => {
    const state = runningF1();
    const server = fakeServer(state);
    server.setRunProcess('alive');
    mount(server);
    await waitFor(() => expect(screen.getByTestId('project-view')).toBeTruthy());
    expect(screen.queryByTestId('run-paused')).toBeNull();
    // The page's clock is the real one: a pause 12 minutes from now.
    const until = new Date(Date.now() + 12 * 60_000 + 30_000).toISOString();
    const paused = structuredClone(state);
    apply(paused, {
      type: 'run_paused',
      at: at(100),
      until,
      reason: 'usage limit reported by F1',
      task: 'F1',
    });
    server.setState(paused);
    await waitFor(() => expect(screen.queryByTestId('run-paused')).toBeTruthy());
    const text = screen.getByTestId('run-paused').textContent!;
    expect(text.startsWith(`Paused until ${formatClock(Date.parse(until))} (in 12m`)).toBe(true);
    expect(text).toMatch(/^Paused until .+ \(in 12m( \d\ds)?\): usage limit reported by F1$/);
    // A run whose process is gone holds no pause.
    server.setRunProcess('gone');
    await waitFor(() => expect(runState()).toContain('Run process gone'));
    expect(screen.queryByTestId('run-paused')).toBeNull();
    server.setRunProcess('alive');
    await waitFor(() => expect(screen.queryByTestId('run-paused')).toBeTruthy());
    const resumed = structuredClone(paused);
    apply(resumed, { type: 'run_resumed', at: at(101) });
    server.setState(resumed);
    await waitFor(() => expect(screen.queryByTestId('run-paused')).toBeNull());
  });

  it('stops the clocks and says when it last heard from the server once it is gone', async () => {
    const state = runningF1();
    const server = fakeServer(state);
    server.setRunProcess('alive');
    window.location.hash = '#/task/F1';
    mount(server);
    await waitFor(() => expect(screen.getByTestId('task-view')).toBeTruthy());
    server.setOffline(true);
    await waitFor(() =>
      expect(screen.getByTestId('connection').textContent).toMatch(
        /^Server unreachable · last update \d\d:\d\d:\d\d$/,
      ),
    );
    const frozen = screen.getByTestId('task-duration').textContent;
    await act(async () => {
      await new Promise((r) => setTimeout(r, 1200));
    });
    expect(screen.getByTestId('task-duration').textContent).toBe(frozen);
  });

  it('names the nova worker (host, pid) that ran a task on another machine', async () => {
    const state = runningF1();
    state.tasks.F1!.runner = { host: 'box-2', pid: 4242 };
    const server = fakeServer(state);
    window.location.hash = '#/task/F1';
    mount(server);
    await waitFor(() => expect(screen.getByTestId('task-view')).toBeTruthy());
    expect(screen.getByTestId('task-runner').textContent).toBe('box-2 (pid 4242, nova worker)');
  });

  it('says when the run process is gone without having recorded an end', async () => {
    const server = fakeServer(failedRun());
    server.setRunProcess('gone');
    mount(server);
    await waitFor(() => expect(screen.getByTestId('project-view')).toBeTruthy());
    expect(runState()).toContain('Run process gone');
  });

  it('follows deep links and updates on hash changes', async () => {
    window.location.hash = '#/task/F2';
    const server = fakeServer(failedRun());
    mount(server);
    await waitFor(() => expect(screen.getByTestId('task-view')).toBeTruthy());
    expect(screen.getByTestId('failure')).toBeTruthy();
    await act(async () => {
      window.location.hash = '#/group/Application/Features';
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    await waitFor(() => expect(screen.getByTestId('group-view')).toBeTruthy());
    await act(async () => {
      window.location.hash = '#/nowhere';
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain('no page /nowhere'),
    );
  });

  it('finds a task with / and the arrow keys', async () => {
    const server = fakeServer(failedRun());
    mount(server);
    await waitFor(() => expect(screen.getByTestId('project-view')).toBeTruthy());
    fireEvent.keyDown(window, { key: '/' });
    const input = screen.getByRole('combobox');
    expect(document.activeElement).toBe(input);
    fireEvent.change(input, { target: { value: 'parser' } });
    const options = screen.getAllByRole('option');
    expect(options[0]!.textContent).toContain('X1');
    expect(options.at(-1)!.textContent).toContain('All matches in the task table');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(window.location.hash).toBe('#/task/X1');
    fireEvent.change(input, { target: { value: 'f' } });
    fireEvent.keyDown(input, { key: 'ArrowUp' });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(window.location.hash).toBe('#/tasks?q=f');
  });
});
