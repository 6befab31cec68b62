import { act, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failedRun, fakeServer, plan } from '../test/fixtures.js';
import { App } from './app.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

function mount(server: ReturnType<typeof fakeServer>) {
  vi.stubGlobal('fetch', server.fetch);
  return render(<App poll={{ fetch: server.fetch, intervalMs: 20 }} />);
}

describe('App', () => {
  it('says plainly that there is no state file yet, then shows the run once it appears', async () => {
    const server = fakeServer(null);
    mount(server);
    await waitFor(() =>
      expect(screen.getByTestId('problem').textContent).toContain('No state file yet'),
    );
    expect(screen.getByTestId('connection').textContent).toBe('Waiting for state file');
    server.setState(failedRun());
    await waitFor(() => expect(screen.getByTestId('project-view')).toBeTruthy());
    expect(screen.queryByTestId('problem')).toBeNull();
    expect(screen.getByTestId('run-state').textContent).toContain('1 failed');
    expect(screen.getByTestId('connection').textContent).toMatch(/^Live/);
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

  it('polls with conditional requests: unchanged polls get 304', async () => {
    const server = fakeServer(plan());
    mount(server);
    await waitFor(() => expect(server.calls.length).toBeGreaterThanOrEqual(3));
    expect(server.calls[0]!.status).toBe(200);
    expect(
      server.calls.slice(1, 3).every((c) => c.status === 304 && c.ifNoneMatch === '"v1"'),
    ).toBe(true);
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
});
