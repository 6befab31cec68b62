import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apply, at, CLAUDE_LOG, completed, failedRun, fakeServer } from '../../test/fixtures.js';
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

const logText = () => screen.getByTestId('log-scroll').textContent ?? '';

describe('TaskView', () => {
  it('shows a failed task: reason, exit code, attempts, tokens, cost, links and its log', async () => {
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
    // A log that is not JSON reads as text, line by line.
    await waitFor(() => expect(logText()).toContain('TypeError: cannot read'));
    expect(screen.getByTestId('log-download').getAttribute('href')).toBe('./logs/F2?download=1');
    const crumbs = screen.getByRole('navigation', { name: 'Breadcrumb' });
    expect(within(crumbs).getByText('Foundation').getAttribute('href')).toBe(
      '#/group/Application/Foundation',
    );
  });

  it('reads a Claude Code log as a transcript: turns with figures, tool calls, results, the result, unknown events raw', async () => {
    withLogs({ X3: CLAUDE_LOG });
    renderView(<TaskView id="X3" />, failedRun(), new Date(at(161)));
    await waitFor(() => expect(screen.getByTestId('final-result')).toBeTruthy());
    const turns = screen.getAllByTestId('turn').map((t) => t.textContent);
    expect(turns).toHaveLength(2);
    expect(turns[0]).toContain('Turn 1');
    expect(turns[0]).toContain('1.20k in · 300 out · 0 cache read · 4.00k cache write');
    // 1,200 x $3 + 300 x $15 + 4,000 x $3.75 per million tokens.
    expect(turns[0]).toContain('≈$0.02');
    const calls = screen
      .getAllByTestId('tool-call')
      .map((c) => c.querySelector('summary')!.textContent);
    expect(calls).toEqual(['→ Bash npm test -- settings', '→ Edit src/settings.ts']);
    const results = screen.getAllByTestId('tool-result');
    expect(results.map((r) => (r as HTMLDetailsElement).open)).toEqual([false, false]);
    expect(results[0]!.querySelector('summary')!.textContent).toContain(
      'Result of Bash: Tests  12 passed (12) (2 lines)',
    );
    expect(results[1]!.className).toContain('error');
    expect(screen.getByTestId('final-result').textContent).toContain(
      '✓ Result · 2 turns · 1m 01s · $0.04',
    );
    expect(logText()).toContain('{"type":"telemetry_ping","id":42}');
    expect(logText()).toContain('# nova: succeeded (exit code 0) after 1m 01s');

    // Raw: the lines as written.
    fireEvent.click(screen.getByTestId('raw-toggle'));
    expect(logText()).toContain('"type":"tool_result"');
    // Search: a count of the lines that match.
    fireEvent.change(screen.getByTestId('log-search'), { target: { value: 'settings' } });
    expect(screen.getByTestId('log-matches').textContent).toContain('1 of 5');
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

  it('follows a running task: asks only for the bytes after those it has', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const server = withLogs({ X3: 'step 1\n' });
      const state = failedRun();
      const { update } = renderView(<TaskView id="X3" />, state, new Date(at(161)));
      expect(screen.getByTestId('task-duration').textContent).toBe('1m');
      update(state, new Date(at(222)));
      expect(screen.getByTestId('task-duration').textContent).toBe('2m 01s');
      await waitFor(() => expect(logText()).toBe('step 1'));
      server.setLog('X3', 'step 1\nstep 2\n');
      await act(async () => {
        await vi.advanceTimersByTimeAsync(2100);
      });
      await waitFor(() => expect(logText()).toBe('step 1step 2'));
      const reads = server.calls.filter((c) => c.url.startsWith('/logs/X3')).map((c) => c.url);
      expect(reads[0]).toBe('/logs/X3?tail=1048576');
      expect(reads).toContain('/logs/X3?from=7');
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps its place when the task finishes, and reads the rest of the log once', async () => {
    const server = withLogs({ X3: 'step 1\n' });
    const state = failedRun();
    const { update } = renderView(<TaskView id="X3" />, state, new Date(at(161)));
    await waitFor(() => expect(logText()).toBe('step 1'));
    const box = screen.getByTestId('log-scroll');
    server.setLog('X3', 'step 1\nfinal line without a newline');
    update(apply(failedRun(), completed('X3', 170)), new Date(at(171)));
    await waitFor(() => expect(logText()).toBe('step 1final line without a newline'));
    // The same transcript, not a new one after a "Loading" flash.
    expect(screen.getByTestId('log-scroll')).toBe(box);
    expect(server.calls.filter((c) => c.url.startsWith('/logs/X3')).at(-1)!.url).toBe(
      '/logs/X3?from=7',
    );
  });

  it('offers the logs of earlier attempts', async () => {
    withLogs({ F2: 'third try\n', 'F2.log.1': 'first try\n', 'F2.log.2': 'second try\n' });
    renderView(<TaskView id="F2" attempt={1} />, failedRun(), new Date(at(161)));
    await waitFor(() => expect(logText()).toBe('first try'));
    const pick = screen.getByTestId('attempt-select') as HTMLSelectElement;
    expect([...pick.options].map((o) => o.textContent)).toEqual(['3 (latest)', '2', '1']);
    expect(pick.value).toBe('1');
    expect(screen.getByTestId('log-download').getAttribute('href')).toBe(
      './logs/F2?attempt=1&download=1',
    );
    fireEvent.change(pick, { target: { value: '2' } });
    expect(window.location.hash).toBe('#/task/F2?attempt=2');
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

describe('TaskView: worktree work', () => {
  it("shows a completed task's branch, commits and changed files, and an incomplete log", async () => {
    const { plan, started } = await import('../../test/fixtures.js');
    withLogs({ F1: 'done\n' });
    const state = apply(plan(), started('F1', 0), {
      type: 'task_completed',
      at: at(60),
      id: 'F1',
      exit_code: 0,
      token_usage: {
        input_tokens: 1,
        output_tokens: 1,
        cache_read_tokens: 0,
        cache_creation_tokens: 0,
      },
      cost_usd: 0.01,
      model: 'claude-sonnet-4-5',
      log_incomplete: 'the log was cut at 139 KiB: ENOSPC',
      git: {
        branch: 'nova/demo/tasks/F1',
        base: 'a'.repeat(40),
        head: 'b'.repeat(40),
        files: [
          { path: 'src/types.ts', added: 40, removed: 2 },
          { path: 'logo.png', added: null, removed: null },
        ],
      },
    });
    renderView(<TaskView id="F1" />, state, new Date(at(61)));
    const work = screen.getByTestId('task-work');
    expect(work.textContent).toContain('nova/demo/tasks/F1');
    expect(work.textContent).toContain(`${'a'.repeat(12)} → ${'b'.repeat(12)}`);
    expect(work.textContent).toContain('2 files, +40 −2');
    expect(within(work).getByText('src/types.ts')).toBeTruthy();
    expect(work.textContent).toContain('binary');
    expect(work.textContent).toContain('git merge nova/demo/tasks/F1');
    expect(screen.getByTestId('log-incomplete').textContent).toContain('ENOSPC');
  });

  it('shows no work panel in shared mode', () => {
    withLogs({ F2: 'x\n' });
    renderView(<TaskView id="F2" />, failedRun(), new Date(at(161)));
    expect(screen.queryByTestId('task-work')).toBeNull();
  });
});
