// The dashboard's reading and finding features in Chromium, on states and logs written the way
// Nova writes them (whole snapshots renamed into place, logs appended): the transcript of a
// Claude-Code-shaped log, following its end, search and the task table through the URL, the
// contrast of every status badge in both themes, a phone's graph and timeline, and the page once
// the run has ended and the server is gone.
import { existsSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CascadeState } from '@program-nova/state';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DashboardServer,
  startDashboardServer,
} from '../../../cli/src/dashboard-server/index.js';
import { apply, at, CLAUDE_LOG, failedRun, finishedRun, plan } from '../fixtures.js';
import { launchChromium, skipBrowserTests } from './browser.js';

const here = dirname(fileURLToPath(import.meta.url));
const appDir = resolve(here, '../../dist');
const artifacts = resolve(here, '../../test-artifacts');

/** The reference failed run (X3 running), recorded as a live run of this process. */
function liveFailedRun(): CascadeState {
  const s = failedRun();
  s.project.orchestrator_pid = process.pid;
  return s;
}

describe.skipIf(skipBrowserTests)('dashboard features in Chromium', () => {
  let dir: string;
  let server: DashboardServer;
  let browser: Browser;
  let page: Page;
  const stateFile = () => join(dir, 'cascade_state.json');
  const logs = () => join(dir, 'logs');

  async function writeState(state: CascadeState) {
    await writeFile(`${stateFile()}.tmp`, JSON.stringify(state, null, 2));
    await rename(`${stateFile()}.tmp`, stateFile());
  }

  async function open(hash: string, viewport = { width: 1360, height: 900 }) {
    const p = await browser.newPage({ viewport });
    p.setDefaultTimeout(60_000);
    await p.goto(`${server.url}${hash}`);
    return p;
  }

  const shot = (p: Page, name: string) =>
    p.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!existsSync(join(appDir, 'index.html'))) {
      throw new Error(
        `the dashboard is not built (${appDir}); run: pnpm turbo run build --filter=@program-nova/dashboard`,
      );
    }
    await mkdir(artifacts, { recursive: true });
    dir = await mkdtemp(join(tmpdir(), 'nova-dash-features-'));
    await mkdir(logs());
    await writeState(liveFailedRun());
    server = await startDashboardServer({ stateFile: stateFile(), logsDir: logs(), appDir });
    browser = await launchChromium();
    page = await open('#/');
    await page.getByTestId('project-view').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads a Claude Code log as a transcript: tool calls, collapsed results, the result, an unknown event', async () => {
    await writeFile(join(logs(), 'X3.log'), CLAUDE_LOG);
    await page.goto(`${server.url}#/task/X3`);
    const log = page.getByTestId('log-scroll');
    await page.getByTestId('final-result').waitFor();
    expect(await page.getByTestId('final-result').textContent()).toContain(
      '✓ Result · 2 turns · 1m 01s · $0.04',
    );
    const calls = await page.getByTestId('tool-call').locator('summary').allTextContents();
    expect(calls).toEqual(['→ Bash npm test -- settings', '→ Edit src/settings.ts']);
    // Results are collapsed: their first line shows, the rest opens on a click.
    const result = page.getByTestId('tool-result').first();
    expect(await result.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await result.locator('pre').isVisible()).toBe(false);
    await result.locator('summary').click();
    expect(await result.locator('pre').textContent()).toContain('Duration 1.2s');
    expect(await page.getByTestId('tool-result').nth(1).getAttribute('class')).toContain('error');
    // Turns carry their tokens and an estimated cost; the unknown event shows as its raw line.
    expect(await page.getByTestId('turn').first().textContent()).toMatch(
      /Turn 1.*1\.20k in · 300 out.*≈\$0\.02/,
    );
    expect(await log.textContent()).toContain('{"type":"telemetry_ping","id":42}');
    expect(await log.textContent()).toContain('# nova: succeeded (exit code 0)');
    await shot(page, '20-transcript');
    await page.getByTestId('raw-toggle').click();
    expect(await log.textContent()).toContain('"tool_use_id":"toolu_1"');
    await page.getByTestId('log-search').fill('telemetry');
    await page.getByTestId('log-matches').filter({ hasText: '1 of 1' }).waitFor();
    await page.getByTestId('raw-toggle').click();
    await page.getByTestId('log-search').fill('');
  });

  it('follows a growing log only while the reader is at its end, and offers to jump to the latest', async () => {
    const lines = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => `output line ${from + i}\n`).join('');
    await writeFile(join(logs(), 'X3.log'), lines(1, 120));
    await page.reload();
    const box = page.getByTestId('log-scroll');
    await box.filter({ hasText: 'output line 120' }).waitFor();
    const gap = () => box.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    expect(await gap()).toBeLessThanOrEqual(2);
    // At the end: new lines arrive and the view follows them.
    await appendFile(join(logs(), 'X3.log'), lines(121, 40));
    await box.filter({ hasText: 'output line 160' }).waitFor();
    await page.waitForTimeout(100);
    expect(await gap()).toBeLessThanOrEqual(2);
    expect(await page.getByTestId('jump-latest').count()).toBe(0);
    // Scrolled up to read: new lines do not move the view; a button offers the latest.
    await box.evaluate((el) => {
      el.scrollTop = 0;
      el.dispatchEvent(new Event('scroll'));
    });
    await appendFile(join(logs(), 'X3.log'), lines(161, 25));
    await page.getByTestId('jump-latest').filter({ hasText: '25 new' }).waitFor();
    expect(await box.evaluate((el) => el.scrollTop)).toBe(0);
    await shot(page, '21-log-scrolled-up');
    await page.getByTestId('jump-latest').click();
    expect(await gap()).toBeLessThanOrEqual(2);
    expect(await page.getByTestId('jump-latest').count()).toBe(0);
    // Only what was appended was asked for.
    const asked = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((n) => n.includes('/logs/X3')),
    );
    expect(asked.some((u) => u.includes('from='))).toBe(true);
  });

  it('finds tasks: / search, and a task table whose filters and order live in the URL', async () => {
    await page.goto(`${server.url}#/`);
    await page.getByTestId('project-view').waitFor();
    await page.keyboard.press('/');
    await page.keyboard.type('render');
    await page.getByRole('option', { name: /X2/ }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('task-view').waitFor();
    expect(page.url()).toContain('#/task/X2');

    // A shared address opens the same table.
    const shared = await open('#/tasks?status=blocked&sort=id&dir=desc');
    await shared.getByTestId('tasks-view').waitFor();
    const ids = () =>
      shared
        .locator('a.trow[data-task-id]')
        .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.taskId));
    expect(await ids()).toEqual(['X2', 'X1', 'F3', 'D1']);
    expect(await shared.getByTestId('table-count').textContent()).toContain('4 of 8 tasks');
    await shared.locator('[data-filter="failed"]').click();
    await shared.waitForURL(/status=blocked%2Cfailed|status=blocked,failed/);
    expect(await ids()).toEqual(['X2', 'X1', 'F3', 'F2', 'D1']);
    await shared.locator('[data-sort="cost"]').click();
    await shared.waitForURL(/sort=cost&dir=desc/);
    await shared.getByTestId('table-filter').fill('handling');
    await shared.waitForURL(/q=handling/);
    expect(await ids()).toEqual(['F2']);
    await shot(shared, '22-task-table');
    // The keyboard moves through the rows.
    await shared.getByTestId('table-filter').fill('');
    await shared.locator('a.trow[data-task-id]').first().focus();
    await shared.keyboard.press('ArrowDown');
    expect(
      await shared.evaluate(() => (document.activeElement as HTMLElement).dataset.taskId),
    ).toBe((await ids())[1]);
    await shared.close();
  });

  it('shows every status badge at 4.5:1 contrast or more, in the light and the dark theme', async () => {
    // Two states between them show every word: task statuses, and scope words incl. Partly done.
    const partly = apply(plan(), { type: 'run_started', at: at(0), pid: 1, cascade_file: null });
    apply(
      partly,
      {
        type: 'task_started',
        at: at(1),
        id: 'F1',
        worker_id: 'w',
        pid: 1,
        pgid: 1,
        log_path: null,
        model: null,
      },
      {
        type: 'task_completed',
        at: at(9),
        id: 'F1',
        exit_code: 0,
        token_usage: {
          input_tokens: 1,
          output_tokens: 1,
          cache_read_tokens: 0,
          cache_creation_tokens: 0,
        },
        cost_usd: 0,
        model: null,
      },
      { type: 'run_finished', at: at(10), completed: false, outcome: 'interrupted' },
    );
    const seen = new Map<string, number>();
    try {
      for (const scheme of ['light', 'dark'] as const) {
        const p = await open('#/tasks');
        await p.emulateMedia({ colorScheme: scheme });
        for (const [state, hashes] of [
          [liveFailedRun(), ['#/tasks', '#/']],
          [partly, ['#/', '#/branch/Application', '#/tasks']],
        ] as const) {
          await writeState(state as CascadeState);
          for (const hash of hashes) {
            // A new document, so the page reads the state just written rather than at its next poll.
            await p.goto('about:blank');
            await p.goto(`${server.url}${hash}`);
            await p.locator('.badge').first().waitFor();
            await p.waitForTimeout(300);
            const ratios = await p.locator('.badge').evaluateAll((badges) => {
              const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
              const lum = (c: string) => {
                const [r, g, b] = rgb(c).map((v) => {
                  const s = v / 255;
                  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
                });
                return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
              };
              return badges.map((b) => {
                const style = getComputedStyle(b);
                const [l1, l2] = [lum(style.color), lum(style.backgroundColor)].sort(
                  (x, y) => y - x,
                );
                return {
                  word: b.textContent ?? '',
                  ratio: (l1! + 0.05) / (l2! + 0.05),
                  size: style.fontSize,
                };
              });
            });
            for (const r of ratios) {
              const key = `${scheme} ${r.word}`;
              seen.set(key, Math.min(seen.get(key) ?? 99, r.ratio));
              expect(r.ratio, `${key} (${r.size})`).toBeGreaterThanOrEqual(4.5);
            }
          }
        }
        if (scheme === 'dark') await shot(p, '23-dark-project');
        await p.close();
      }
    } finally {
      await writeState(liveFailedRun());
    }
    const words = [...seen.keys()];
    for (const word of ['Completed', 'Running', 'Failed', 'Blocked', 'Pending', 'Partly done']) {
      for (const scheme of ['light', 'dark']) {
        expect(
          words.some((w) => w.startsWith(scheme) && w.endsWith(word)),
          `${scheme} ${word}`,
        ).toBe(true);
      }
    }
    await writeState(liveFailedRun());
  });

  it('on a 390 x 844 phone, fits the graph to the screen and lays the timeline out without overlaps', async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    phone.setDefaultTimeout(60_000);
    const overflow = () =>
      phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await phone.goto(`${server.url}#/graph`);
    await phone.locator('.gnode').first().waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    const svgBox = (await phone.getByTestId('graph-svg').boundingBox())!;
    for (const node of await phone.locator('.gnode .gnode-box').all()) {
      const b = (await node.boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(svgBox.x - 1);
      expect(b.x + b.width).toBeLessThanOrEqual(svgBox.x + svgBox.width + 1);
    }
    expect(
      Number.parseInt((await phone.getByTestId('zoom-level').textContent())!, 10),
    ).toBeLessThan(100);
    await phone.screenshot({ path: join(artifacts, '24-phone-graph.png'), fullPage: true });
    // One finger drags the drawing.
    const transform = () => phone.getByTestId('graph-view-transform').getAttribute('transform');
    const before = await transform();
    const cx = svgBox.x + svgBox.width / 2;
    const cy = svgBox.y + svgBox.height / 2;
    await phone.mouse.move(cx, cy);
    await phone.mouse.down();
    await phone.mouse.move(cx + 60, cy + 30, { steps: 5 });
    await phone.mouse.up();
    expect(await transform()).not.toBe(before);

    await phone.goto(`${server.url}#/timeline`);
    await phone.locator('a.tl-row[data-task-id]').first().waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    const ticks = await phone.locator('.tl-tick').evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { left: r.left, right: r.right };
      }),
    );
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < ticks.length; i++)
      expect(ticks[i]!.left).toBeGreaterThanOrEqual(ticks[i - 1]!.right);
    const track = (await phone.locator('.tl-axis .tl-track').boundingBox())!;
    expect(ticks.at(-1)!.right).toBeLessThanOrEqual(track.x + track.width + 1);
    expect(await phone.locator('a.tl-row[data-task-id="F1"]').textContent()).toContain(
      'Core Types',
    );
    await phone.screenshot({ path: join(artifacts, '25-phone-timeline.png'), fullPage: true });
    await phone.close();
  });

  it('pans the graph by drag, zooms by wheel, and moves between nodes with the arrow keys', async () => {
    await page.goto(`${server.url}#/graph`);
    await page.locator('.gnode').first().waitFor();
    const level = async () =>
      Number.parseInt((await page.getByTestId('zoom-level').textContent())!, 10);
    const fitted = await level();
    const svg = (await page.getByTestId('graph-svg').boundingBox())!;
    await page.mouse.move(svg.x + svg.width / 2, svg.y + svg.height / 2);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction((f) => {
      const t = document.querySelector('[data-testid="zoom-level"]')?.textContent ?? '';
      return Number.parseInt(t, 10) > f;
    }, fitted);
    await page.locator('.gnode[data-node-id="F1"]').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-node-id'))).toMatch(
      /^(F2|F4)$/,
    );
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/task\/F[24]$/);
  });

  it('shows a usage-limit pause in the header while it holds, and not once it is over', async () => {
    const until = new Date(Date.now() + 12 * 60_000 + 30_000).toISOString();
    const paused = apply(liveFailedRun(), {
      type: 'run_paused',
      at: at(100),
      until,
      reason: 'usage limit reported by X3',
      task: 'X3',
    });
    await writeState(paused);
    await page.goto(`${server.url}#/`);
    const badge = page.getByTestId('run-paused');
    await badge
      .filter({ hasText: /^Paused until .+ \(in 12m( \d\ds)?\): usage limit reported by X3$/ })
      .waitFor();
    expect(await page.getByTestId('run-state').textContent()).toContain('Running');
    await shot(page, '27-paused');
    await writeState(apply(paused, { type: 'run_resumed', at: at(101) }));
    await badge.waitFor({ state: 'detached' });
  });

  it('shows how the run ended; once the server is gone its clocks stop and it says when it last heard', async () => {
    const done = finishedRun();
    await writeState(done);
    await page.goto(`${server.url}#/`);
    await page
      .getByTestId('run-state')
      .filter({ hasText: /Finishedall completed · ended/ })
      .waitFor();
    // A run in progress, then the server goes away (the run's process ended with it).
    await writeState(liveFailedRun());
    await page.goto(`${server.url}#/task/X3`);
    await page.getByTestId('run-state').filter({ hasText: 'Running' }).waitFor();
    await page.getByTestId('log-scroll').filter({ hasText: 'output line' }).waitFor();
    await server.close();
    await page
      .getByTestId('connection')
      .filter({ hasText: /Server unreachable · last update \d\d:\d\d:\d\d/ })
      .waitFor();
    expect(await page.getByTestId('problem').textContent()).toContain('its clocks are stopped');
    const frozen = await page.getByTestId('task-duration').textContent();
    await page.waitForTimeout(2500);
    expect(await page.getByTestId('task-duration').textContent()).toBe(frozen);
    // The last state it had stays on screen, and so does the log it had read.
    expect(await page.getByTestId('task-view').count()).toBe(1);
    await page.getByText(/Cannot read more of the log/).waitFor();
    expect(await page.getByTestId('log-scroll').textContent()).toContain('output line 185');
    await shot(page, '26-server-gone');
  });
});
