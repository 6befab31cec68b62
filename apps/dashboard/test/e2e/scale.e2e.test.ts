// A 5,000-task run at -j 50 in Chromium: what each poll costs while the state changes four times
// a second. It asserts the protocol (a whole state once, compressed; then only the changed tasks;
// nothing while nothing changed), never a time.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CascadeState } from '@program-nova/state';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DashboardServer,
  startDashboardServer,
} from '../../../cli/src/dashboard-server/index.js';
import { liveBigRun } from '../fixtures.js';
import { launchChromium, skipBrowserTests, watchPolls } from './browser.js';

const here = dirname(fileURLToPath(import.meta.url));
const appDir = resolve(here, '../../dist');

describe.skipIf(skipBrowserTests)('a 5,000-task run at -j 50', () => {
  let dir: string;
  let server: DashboardServer;
  let browser: Browser;
  const file = () => join(dir, 'cascade_state.json');
  const write = async (state: CascadeState) => {
    await writeFile(`${file()}.tmp`, JSON.stringify(state, null, 2));
    await rename(`${file()}.tmp`, file());
  };

  beforeAll(async () => {
    if (!existsSync(join(appDir, 'index.html')))
      throw new Error(`the dashboard is not built (${appDir})`);
    dir = await mkdtemp(join(tmpdir(), 'nova-dash-scale-'));
    await mkdir(join(dir, 'logs'));
    server = await startDashboardServer({ stateFile: file(), logsDir: join(dir, 'logs'), appDir });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sends the whole state once, compressed, then only the tasks that changed', async () => {
    const run = liveBigRun(5000, 50);
    await write(run.state);
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.setDefaultTimeout(60_000);
    const polls = watchPolls(page);
    await page.goto(server.url);
    await page.locator('[data-testid="branch-card"]').first().waitFor();
    // The run moves on four times a second while the page polls every 2 s.
    let changing = true;
    const changes = (async () => {
      while (changing) {
        run.tick(1);
        await write(run.state);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const deadline = Date.now() + 90_000;
    while (polls.filter((p) => p.status === 200).length < 5 && Date.now() < deadline) {
      await page.waitForTimeout(200);
    }
    changing = false;
    await changes;
    await page.close();

    const answers = polls.filter((p) => p.status === 200);
    expect(answers.length).toBeGreaterThanOrEqual(5);
    const [first, ...later] = answers;
    const full = JSON.parse(first!.body);
    expect(full.full).toBe(true);
    expect(Object.keys(full.state.tasks)).toHaveLength(5000);
    expect(first!.encoding).toBe('br');
    // 4.7 MB as written; compressed it is a small fraction of that.
    expect(first!.bodyBytes).toBeLessThan(400 * 1024);
    for (const poll of later) {
      const doc = JSON.parse(poll.body);
      expect(doc.full).toBe(false);
      expect(poll.url).toContain(`since=${encodeURIComponent(doc.since)}`);
      // The 50 running tasks reported tokens; a few finished and as many started.
      const changed = Object.keys(doc.tasks).length;
      expect(changed).toBeGreaterThanOrEqual(50);
      expect(changed).toBeLessThanOrEqual(50 + 2 * 20);
      expect(poll.bodyBytes).toBeLessThanOrEqual(200 * 1024);
    }
    const biggest = Math.max(...later.map((p) => p.bodyBytes));
    console.info(
      `[scale] first poll ${first!.bodyBytes} B (${first!.encoding}); later polls up to ${biggest} B over ${later.length} polls`,
    );
  });
});
