/** `nova run --dashboard` after the run: the page can still read how it ended; then nova exits. */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killStarted, nova, SMALL_PLAN, startNova, tempDir, waitFor } from './helpers.js';

const dirs: { cleanup(): void }[] = [];
afterEach(() => killStarted());
afterAll(() => {
  for (const d of dirs) d.cleanup();
});
function dir() {
  const t = tempDir();
  dirs.push(t);
  t.write('CASCADE.md', SMALL_PLAN);
  return t;
}

const URL_LINE = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/;

describe('nova run --dashboard after the run', { timeout: 90_000 }, () => {
  it('without a terminal keeps serving for the grace, showing the outcome, then exits with the run code', async () => {
    const t = dir();
    const run = startNova(['run', '--agent', 'simulated', '--dashboard', '--port', '0'], t.dir, {
      SIM_DURATION_MS: '20',
      NOVA_DASHBOARD_GRACE: '3s',
    });
    const url = await waitFor(() => run.stdout().match(URL_LINE)?.[1], 'the dashboard URL');
    await waitFor(() => run.stdout().includes('The dashboard stays up for 3s'), 'the grace note');
    expect(run.stdout()).toContain('Done: Small Plan');
    const res = await fetch(`${url}api/state`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      state: { project: { outcome: string; ended_at: string; orchestrator_pid: number | null } };
    };
    expect(doc.state.project.outcome).toBe('completed');
    expect(doc.state.project.ended_at).not.toBeNull();
    expect(doc.state.project.orchestrator_pid).toBeNull();
    expect((await run.exited).code).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('Ctrl-C during the grace ends it at once, still with the run code', async () => {
    const t = dir();
    const run = startNova(['run', '--agent', 'simulated', '--dashboard', '--port', '0'], t.dir, {
      SIM_DURATION_MS: '20',
      NOVA_DASHBOARD_GRACE: '10m',
    });
    await waitFor(() => run.stdout().includes('The dashboard stays up for 600s'), 'the grace');
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(0);
  });

  it('a bad grace or token is a usage error before anything runs', () => {
    const t = dir();
    const grace = nova(['run', '--agent', 'simulated', '--dashboard', '--port', '0'], t.dir, {
      NOVA_DASHBOARD_GRACE: 'soon',
    });
    expect(grace.code).toBe(2);
    expect(grace.stderr).toContain('NOVA_DASHBOARD_GRACE must be a duration');
    const token = nova(['dashboard', '--port', '0', '--token', 'short'], t.dir);
    expect(token.code).toBe(2);
    expect(token.stderr.trim().split('\n')[0]).toBe(
      'nova: error: --token (or NOVA_DASHBOARD_TOKEN) must be 16 to 256 characters of A-Z a-z 0-9 . _ ~ -',
    );
  });
});
