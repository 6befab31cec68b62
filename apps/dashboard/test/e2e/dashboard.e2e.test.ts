import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DashboardServer,
  startDashboardServer,
} from '../../../cli/src/dashboard-server/index.js';
import { launchChromium, type Poll, skipBrowserTests, watchPolls } from './browser.js';
import { LiveRun } from './live-run.js';

const here = dirname(fileURLToPath(import.meta.url));
const appDir = resolve(here, '../../dist');
const artifacts = resolve(here, '../../test-artifacts');

describe.skipIf(skipBrowserTests)('dashboard in Chromium, on a live run', () => {
  let dir: string;
  let server: DashboardServer;
  let browser: Browser;
  let page: Page;
  let run: LiveRun;
  let polls: Poll[];
  const pageErrors: string[] = [];
  const stateFile = () => join(dir, 'cascade_state.json');

  const shot = (name: string) =>
    page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  const statusOf = (scope: string) => page.locator(`${scope} .badge`).first().textContent();

  beforeAll(async () => {
    if (!existsSync(join(appDir, 'index.html'))) {
      throw new Error(
        `the dashboard is not built (${appDir}); run: pnpm turbo run build --filter=@program-nova/dashboard`,
      );
    }
    await mkdir(artifacts, { recursive: true });
    dir = await mkdtemp(join(tmpdir(), 'nova-dash-e2e-'));
    server = await startDashboardServer({
      stateFile: stateFile(),
      logsDir: join(dir, 'logs'),
      appDir,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    // The machine is shared: allow for slow moments (each wait still ends as soon as it can).
    page.setDefaultTimeout(60_000);
    polls = watchPolls(page);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      // A 404 for the state (before a run) or a log (before a task starts) is an expected answer.
      const expected404 = m.text().includes('404') && /api\/state|\/logs\//.test(m.location().url);
      if (m.type() === 'error' && !expected404) pageErrors.push(`${m.text()} ${m.location().url}`);
    });
  });

  afterAll(async () => {
    await run?.close().catch(() => {});
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('says plainly that no state file exists yet, naming the file it watches', async () => {
    await page.goto(server.url);
    await page.getByTestId('empty-state').filter({ hasText: stateFile() }).waitFor();
    expect(await page.getByTestId('problem').count()).toBe(0);
    await shot('00-waiting-for-state');
    // Marks this document: if anything below reloads the page, the mark is gone.
    await page.evaluate(() => {
      (window as unknown as { novaMark: number }).novaMark = 42;
    });
  });

  it('shows a task go from running to completed without a reload', async () => {
    run = await LiveRun.open(stateFile(), join(dir, 'logs'));
    await run.start('A1');
    await page.getByTestId('project-view').waitFor();
    expect(await page.getByTestId('problem').count()).toBe(0);
    await page.locator('[data-count="in_progress"] .count-n', { hasText: '1' }).waitFor();
    await shot('01-project-running');

    await page.getByRole('link', { name: /A1/ }).first().click();
    await page.getByTestId('task-view').waitFor();
    expect(page.url()).toContain('#/task/A1');
    expect(await statusOf('[data-testid="task-view"] .hero')).toContain('Running');
    await page.getByTestId('log-scroll').filter({ hasText: 'starting A1' }).waitFor();
    await shot('02-task-running');

    await run.complete('A1');
    await page
      .locator('[data-testid="task-view"] .hero .badge', { hasText: 'Completed' })
      .waitFor();
    await page.getByTestId('log-scroll').filter({ hasText: 'A1 exited 0' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { novaMark?: number }).novaMark)).toBe(
      42,
    );
  });

  it('drills down from the project to a failed task: reason and log tail', async () => {
    await run.start('A2');
    await run.start('A3');
    await run.fail('A3', 'exit code 1: 3 of 12 tests failed in src/orders.test.ts');
    await run.complete('A2');
    await run.start('B1');

    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link').first().click();
    await page.getByTestId('project-view').waitFor();
    await page.locator('[data-count="failed"] .count-n', { hasText: '1' }).waitFor();
    await page.locator('[data-count="blocked"] .count-n', { hasText: '1' }).waitFor();
    await shot('03-project-with-failure');
    // Labels derived from the counts: Backend still runs B1 (not "Failed"); Docs can do nothing
    // until A3 is fixed (not "Pending"); the project runs on.
    const scope = (card: string) =>
      page.getByTestId('branch-card').filter({ hasText: card }).getByTestId('scope-status');
    await scope('Backend').filter({ hasText: 'Running' }).waitFor();
    await scope('Docs').filter({ hasText: 'Blocked' }).waitFor();
    expect(await page.locator('.hero [data-testid="scope-status"]').textContent()).toContain(
      'Running',
    );
    expect(await page.getByTestId('run-state').textContent()).toContain('1 failed, 1 blocked');

    await page.getByTestId('branch-card').filter({ hasText: 'Backend' }).click();
    await page.getByTestId('branch-view').waitFor();
    expect(page.url()).toContain('#/branch/Backend');
    await shot('04-branch');

    await page.getByTestId('group-card').filter({ hasText: 'Core' }).click();
    await page.getByTestId('group-view').waitFor();
    const row = page.locator('a.trow[data-task-id="A3"]');
    expect(await row.locator('.badge').textContent()).toContain('Failed');
    await shot('05-group');

    await row.click();
    await page.getByTestId('task-view').waitFor();
    expect(page.url()).toContain('#/task/A3');
    expect(await page.getByTestId('failure').textContent()).toContain(
      'exit code 1: 3 of 12 tests failed in src/orders.test.ts',
    );
    await page.getByTestId('log-scroll').filter({ hasText: 'FAIL src/orders.test.ts' }).waitFor();
    expect(await page.getByTestId('dependents').textContent()).toContain('C1');
    await shot('06-task-failed');
  });

  it('opens the graph view, coloured by status, and a click opens the task', async () => {
    await page.getByRole('link', { name: 'Graph', exact: true }).click();
    await page.getByTestId('graph-view').waitFor();
    await page.locator('.gnode').first().waitFor();
    expect(await page.locator('.gnode').count()).toBe(6);
    expect(await page.locator('.gnode[data-node-id="A3"]').getAttribute('data-status')).toBe(
      'failed',
    );
    expect(await page.locator('.gnode[data-node-id="C1"]').getAttribute('data-status')).toBe(
      'blocked',
    );
    expect(await page.locator('.gnode[data-node-id="B1"]').getAttribute('data-status')).toBe(
      'in_progress',
    );
    expect(await page.locator('.gnode.critical').count()).toBeGreaterThan(1);
    await shot('07-graph');
    await page.locator('.gnode[data-node-id="B1"]').click();
    await page.getByTestId('task-view').waitFor();
    expect(page.url()).toContain('#/task/B1');
  });

  it('shows the timeline', async () => {
    await page.getByRole('link', { name: 'Timeline', exact: true }).click();
    await page.getByTestId('timeline-view').waitFor();
    expect(await page.locator('a.tl-row[data-task-id]').count()).toBe(4);
    await shot('08-timeline');
  });

  it('follows a deep link to a blocked task, in a fresh page', async () => {
    const fresh = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    fresh.setDefaultTimeout(60_000);
    await fresh.goto(`${server.url}#/task/C1`);
    await fresh.getByTestId('blocked-by').waitFor();
    const links = fresh.getByTestId('blocked-by').getByRole('link');
    expect(await links.count()).toBe(1);
    expect(await links.first().getAttribute('href')).toBe('#/task/A3');
    await fresh.screenshot({
      path: join(artifacts, '09-deep-link-blocked-task.png'),
      fullPage: true,
    });
    await links.first().click();
    await fresh.getByTestId('failure').waitFor();
    await fresh.close();
  });

  it('works on a phone', async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    phone.setDefaultTimeout(60_000);
    await phone.goto(server.url);
    await phone.getByTestId('project-view').waitFor();
    const overflow = await phone.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(artifacts, '10-phone-project.png'), fullPage: true });
    await phone.goto(`${server.url}#/group/Backend/Core`);
    await phone.getByTestId('group-view').waitFor();
    await phone.screenshot({ path: join(artifacts, '11-phone-group.png'), fullPage: true });
    await phone.close();
  });

  it('says so when the file becomes unreadable, and keeps the last good view', async () => {
    await page.goto(`${server.url}#/`);
    await page.getByTestId('project-view').waitFor();
    await run.close();
    // The run was stopped with Ctrl-C: the page says so, with the time it ended.
    await page
      .getByTestId('run-state')
      .filter({ hasText: /Interrupted.*ended/ })
      .waitFor();
    // Not something the store ever does (it renames whole snapshots into place): a hand edit gone wrong.
    await writeFile(stateFile(), '{"schema_version": 1, "project": {');
    await page.getByTestId('problem').filter({ hasText: 'STATE_CORRUPT' }).waitFor();
    expect(await page.getByTestId('problem').textContent()).toContain(
      'showing the last good state',
    );
    expect(await page.getByTestId('project-view').count()).toBe(1);
    expect(await page.locator('[data-count="failed"] .count-n').textContent()).toBe('1');
    await shot('12-state-unreadable');
  });

  it('polls for changes only: 304 without a body while nothing changed, and raised no page errors', async () => {
    await page.waitForTimeout(4500);
    const unchanged = polls.filter((p) => p.status === 304);
    expect(unchanged.length).toBeGreaterThan(0);
    expect(unchanged.every((p) => p.bodyBytes === 0 && p.url.includes('since='))).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('stops polling while the tab is hidden and resumes when it shows', async () => {
    const setVisibility = (state: 'hidden' | 'visible') =>
      page.evaluate((v) => {
        Object.defineProperty(document, 'visibilityState', { value: v, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    await setVisibility('hidden');
    await page.getByTestId('connection').filter({ hasText: 'Paused (tab hidden)' }).waitFor();
    // A poll already on its way may still land; count from after it.
    await page.waitForTimeout(500);
    const before = polls.length;
    // Three poll intervals with the tab hidden: no request.
    await page.waitForTimeout(6_000);
    expect(polls.length).toBe(before);
    await setVisibility('visible');
    const deadline = Date.now() + 60_000;
    while (polls.length === before && Date.now() < deadline) await page.waitForTimeout(50);
    expect(polls.length).toBeGreaterThan(before);
    expect(await page.getByTestId('connection').textContent()).not.toContain('Paused');
  });
});
