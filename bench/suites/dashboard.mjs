// The dashboard under a 5,000-task state, in Debian's Chromium: time from navigation to the first
// full render of each view, main-thread long tasks while the page sits open (a running plan ticks
// every second), what an unchanged poll costs (it must transfer no body), and, during a run at
// -j 50 whose state changes four times a second, the bytes of each poll and the longest main-thread
// task on the overview. Baselines are measured in the same invocation: the same page on a 6-task
// state, and for poll bytes the whole snapshot a poll of the file itself would transfer.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile as readFileBytes, rename, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { applyTransition, createState } from '../../packages/state/dist/index.js';

export const title = 'dashboard (5,000 tasks, Chromium)';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = '/usr/bin/chromium';
const RUNS = 5;
const T0 = Date.now() - 3600_000;
const at = (s) => new Date(T0 + s * 1000).toISOString();

/** The server module: from the CLI's dist when it exports it, else bundled from source for the bench. */
async function loadServer() {
  const built = join(root, 'apps/cli/dist/dashboard-server.js');
  if (existsSync(built)) return import(pathToFileURL(built).href);
  const { build } = await import('tsup');
  // Inside apps/cli/node_modules so the bundle resolves @program-nova/state like the CLI does.
  const outDir = join(root, 'apps/cli/node_modules/.cache/nova-bench-dashboard-server');
  await build({
    entry: { 'dashboard-server': join(root, 'apps/cli/src/dashboard-server/index.ts') },
    outDir,
    format: ['esm'],
    target: 'node20',
    external: ['@program-nova/state'],
    tsconfig: join(root, 'apps/cli/tsconfig.json'),
    silent: true,
    dts: false,
    sourcemap: false,
    clean: true,
  });
  return import(pathToFileURL(join(outDir, 'dashboard-server.js')).href);
}

/** n tasks: 10 branches x 10 groups, chains of 5; a mix of done, running, failed, blocked, pending. */
export function stateOf(n) {
  const tasks = [];
  const hierarchy = [];
  const perBranch = Math.ceil(n / 10);
  const perGroup = Math.ceil(perBranch / 10);
  for (let i = 0; i < n; i++) {
    const branch = `Branch ${Math.floor(i / perBranch)}`;
    const group = `Group ${Math.floor(i / perGroup)}`;
    tasks.push({
      id: `T${i}`,
      name: `Implement part ${i} of the service`,
      description: `Change module ${i} and its tests`,
      dependsOn: i % 5 === 0 ? (i >= 50 ? [`T${i - 50}`] : []) : [`T${i - 1}`],
      branch,
      group,
      line: i + 1,
      fields: {},
    });
    let b = hierarchy.at(-1);
    if (b?.branch !== branch) {
      b = { branch, groups: [] };
      hierarchy.push(b);
    }
    let g = b.groups.at(-1);
    if (g?.group !== group) {
      g = { group, tasks: [] };
      b.groups.push(g);
    }
    g.tasks.push(`T${i}`);
  }
  const state = createState({ projectName: 'Bench Plan', tasks, hierarchy, warnings: [] });
  applyTransition(state, { type: 'run_started', at: at(0), pid: 1, cascade_file: 'CASCADE.md' });
  const usage = (k) => ({
    input_tokens: 900 * k,
    output_tokens: 200 * k,
    cache_read_tokens: 4000 * k,
    cache_creation_tokens: 300 * k,
  });
  const done = Math.floor(n * 0.6);
  for (let i = 0; i < n; i++) {
    const id = `T${i}`;
    if (i < done) {
      applyTransition(state, {
        type: 'task_started',
        at: at(i * 0.5),
        id,
        worker_id: 'w',
        pid: 1,
        pgid: 1,
        log_path: null,
        model: 'claude-sonnet-4-5',
      });
      if (i % 97 === 3) {
        applyTransition(state, {
          type: 'task_failed',
          at: at(i * 0.5 + 30),
          id,
          error: 'exit code 1',
          failure_kind: 'exit_code',
          exit_code: 1,
          token_usage: usage(1),
          cost_usd: 0.02,
          model: 'claude-sonnet-4-5',
          retry_at: null,
          counts_as_attempt: true,
        });
      } else {
        applyTransition(state, {
          type: 'task_completed',
          at: at(i * 0.5 + 40),
          id,
          exit_code: 0,
          token_usage: usage(2),
          cost_usd: 0.05,
          model: 'claude-sonnet-4-5',
        });
      }
    } else if (i < done + 8) {
      applyTransition(state, {
        type: 'task_started',
        at: at(3000 + i * 0.01),
        id,
        worker_id: 'w',
        pid: 1,
        pgid: 1,
        log_path: null,
        model: 'claude-sonnet-4-5',
      });
    }
  }
  return state;
}

/**
 * A 5,000-task run at -j `running`: the state of stateOf(n) with its 8 running tasks finished and
 * `running` tasks running. `tick()` moves it on as a live run does between two snapshots: every
 * running task reports more tokens, one completes and the next starts.
 */
export function liveRunOf(n, running) {
  const state = stateOf(n);
  const usage = (k) => ({
    input_tokens: 900 * k,
    output_tokens: 200 * k,
    cache_read_tokens: 4000 * k,
    cache_creation_tokens: 300 * k,
  });
  const live = [];
  let next = Math.floor(n * 0.6) + 8;
  const start = () => {
    const id = `T${next++}`;
    applyTransition(state, {
      type: 'task_started',
      at: at(3000 + next * 0.01),
      id,
      worker_id: 'w',
      pid: 1,
      pgid: 1,
      log_path: null,
      model: 'claude-sonnet-4-5',
    });
    live.push(id);
  };
  for (let i = 0; i < running - 8; i++) start();
  for (const id of Object.keys(state.tasks)) {
    if (state.tasks[id].status === 'in_progress' && !live.includes(id)) live.push(id);
  }
  let step = 0;
  return {
    state,
    tick() {
      step++;
      for (const id of live) {
        applyTransition(state, {
          type: 'task_progress',
          at: at(3300 + step),
          id,
          token_usage: usage(step),
          current_step: `Edit src/part-${id}.ts`,
        });
      }
      const done = live.shift();
      if (done === undefined) return;
      applyTransition(state, {
        type: 'task_completed',
        at: at(3300 + step),
        id: done,
        exit_code: 0,
        token_usage: usage(step),
        cost_usd: 0.05,
        model: 'claude-sonnet-4-5',
      });
      if (next < n) start();
    },
  };
}

/** Writes the state like the store does: a whole snapshot renamed into place. */
async function writeSnapshot(file, state) {
  await writeFile(`${file}.tmp`, JSON.stringify(state, null, 2));
  await rename(`${file}.tmp`, file);
}

/**
 * Every answer to the state feed the page receives, as `{ status, bytes }` (bytes as sent, so
 * compressed). The page's worker makes these requests: they pass through the page's network,
 * not its resource timing.
 */
function feedAnswers(page) {
  const answers = [];
  page.on('response', async (response) => {
    if (!response.url().includes('/api/state')) return;
    const sizes = await response
      .request()
      .sizes()
      .catch(() => null);
    answers.push({ status: response.status(), bytes: sizes?.responseBodySize ?? 0 });
  });
  return answers;
}

/**
 * Opens `url` while `run` changes the state file every 250 ms, for `ms`: the bytes of every feed
 * answer (as sent, compressed), and the longest main-thread task (PerformanceObserver longtask,
 * which reports tasks over 50 ms).
 */
async function duringRun(browser, url, selector, file, run, ms) {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  const polls = feedAnswers(page);
  try {
    await page.goto(url);
    await page.waitForSelector(selector, { timeout: 60_000 });
    await page.evaluate(() => {
      window.__longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries())
          window.__longest = Math.max(window.__longest, e.duration);
      }).observe({ type: 'longtask' });
    });
    const from = polls.length;
    const end = Date.now() + ms;
    while (Date.now() < end) {
      run.tick();
      await writeSnapshot(file, run.state);
      await new Promise((r) => setTimeout(r, 250));
    }
    const longest = await page.evaluate(() => window.__longest);
    return { polls: polls.slice(from), first: polls[0], longest };
  } finally {
    await page.close();
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Milliseconds from navigation start until `selector` is in the page. */
async function firstRender(browser, url, selector) {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  try {
    await page.goto(url, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(
      (sel) => (document.querySelector(sel) ? performance.now() : false),
      selector,
      { timeout: 30_000, polling: 'raf' },
    );
    return await handle.jsonValue();
  } finally {
    await page.close();
  }
}

async function longTasks(browser, url, selector, ms) {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  try {
    await page.goto(url);
    await page.waitForSelector(selector, { timeout: 30_000 });
    return await page.evaluate(
      (ms) =>
        new Promise((done) => {
          const seen = [];
          const obs = new PerformanceObserver((list) => {
            for (const e of list.getEntries()) seen.push(e.duration);
          });
          obs.observe({ type: 'longtask' });
          setTimeout(() => {
            obs.disconnect();
            done(seen.length ? Math.max(...seen) : 0);
          }, ms);
        }),
      ms,
    );
  } finally {
    await page.close();
  }
}

function rawGet(port, path, headers = {}) {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (r) => {
      let bytes = 0;
      r.on('data', (c) => (bytes += c.length));
      r.on('end', () => res({ status: r.statusCode, etag: r.headers.etag, bytes }));
    });
    req.on('error', rej);
    req.end();
  });
}

export async function run() {
  if (!existsSync(CHROMIUM)) return [{ name: 'skipped', note: `no Chromium at ${CHROMIUM}` }];
  const appDir = join(root, 'apps/dashboard/dist');
  if (!existsSync(join(appDir, 'index.html'))) throw new Error('apps/dashboard is not built');
  const { startDashboardServer } = await loadServer();
  const { chromium } = await import(
    pathToFileURL(join(root, 'apps/dashboard/node_modules/playwright-core/index.mjs')).href
  );
  const dir = await mkdtemp(join(tmpdir(), 'nova-bench-dash-'));
  const servers = [];
  let browser;
  try {
    const serve = async (name, state) => {
      const sub = join(dir, name);
      await mkdir(join(sub, 'logs'), { recursive: true });
      await writeFile(join(sub, 'cascade_state.json'), JSON.stringify(state));
      const s = await startDashboardServer({
        stateFile: join(sub, 'cascade_state.json'),
        logsDir: join(sub, 'logs'),
        appDir,
      });
      servers.push(s);
      return s;
    };
    const big = stateOf(5000);
    const bigServer = await serve('big', big);
    const smallServer = await serve('small', stateOf(6));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const rows = [];
    const project = '[data-testid="project-view"] [data-testid="branch-card"]';
    // Warm-up (browser start, disk cache of the app), not counted.
    await firstRender(browser, smallServer.url, project);
    await firstRender(browser, bigServer.url, project);
    // [label, hash on the 5,000-task state, hash on the 6-task baseline state, selector rendered]
    const views = [
      ['project view', '#/', '#/', project],
      [
        'group view (500 rows, virtualized)',
        '#/group/Branch%200/Group%200',
        '#/group/Branch%200/Group%200',
        'a.trow[data-task-id]',
      ],
      ['graph view (groups of a 5,000-task plan)', '#/graph', '#/graph', '.gnode'],
      ['timeline (3,008 bars, virtualized)', '#/timeline', '#/timeline', 'a.tl-row[data-task-id]'],
      ['task view', '#/task/T2999', '#/task/T3', '[data-testid="task-view"]'],
    ];
    for (const [label, hash, smallHash, selector] of views) {
      const times = [];
      const base = [];
      for (let i = 0; i < RUNS; i++) {
        times.push(await firstRender(browser, `${bigServer.url}${hash}`, selector));
        base.push(await firstRender(browser, `${smallServer.url}${smallHash}`, selector));
      }
      const baseline = median(base);
      const value = median(times);
      rows.push({
        name: `first render, ${label}`,
        value: Math.round(value),
        unit: 'ms',
        baseline: Math.round(baseline),
        ratio: value / baseline,
        target: label === 'project view' ? '<= 1500 ms' : undefined,
        pass: label === 'project view' ? value <= 1500 : undefined,
        note: `median of ${RUNS}; baseline: same view, 6-task state`,
      });
    }
    const lt = await longTasks(browser, bigServer.url, project, 6000);
    rows.push({
      name: 'longest main-thread task, project view open 6 s (8 running)',
      value: Math.round(lt),
      unit: 'ms',
      note: '0 = no task over 50 ms',
    });
    const ltGroup = await longTasks(
      browser,
      `${bigServer.url}#/group/Branch%200/Group%200`,
      'a.trow',
      6000,
    );
    rows.push({
      name: 'longest main-thread task, group view open 6 s',
      value: Math.round(ltGroup),
      unit: 'ms',
      note: '0 = no task over 50 ms',
    });

    // Unchanged polls, as the page makes them (from its worker: seen through the page's network).
    const page = await browser.newPage();
    const polls = feedAnswers(page);
    await page.goto(bigServer.url);
    await page.waitForSelector(project);
    const until = Date.now() + 15_000;
    while (polls.length < 3 && Date.now() < until) await page.waitForTimeout(100);
    await page.close();
    const first = polls[0];
    const later = polls.slice(1);
    const maxBody = Math.max(...later.map((p) => p.bytes));
    rows.push({
      name: 'unchanged poll in Chromium: body bytes',
      value: maxBody,
      unit: 'B',
      baseline: first.bytes,
      target: '0 B',
      pass: maxBody === 0 && later.every((p) => p.status === 304),
      note: `${later.length} polls, statuses ${[...new Set(later.map((p) => p.status))].join('/')}; baseline: first (whole, compressed) poll`,
    });
    const full = await rawGet(bigServer.port, '/cascade_state.json', {
      Host: `127.0.0.1:${bigServer.port}`,
    });
    const cond = await rawGet(bigServer.port, '/cascade_state.json', {
      Host: `127.0.0.1:${bigServer.port}`,
      'If-None-Match': full.etag,
    });
    rows.push({
      name: 'unchanged poll over HTTP: body bytes',
      value: cond.bytes,
      unit: 'B',
      baseline: full.bytes,
      target: '0 B',
      pass: cond.status === 304 && cond.bytes === 0,
      note: `status ${cond.status}; baseline: the 5,000-task snapshot`,
    });

    // A run at -j 50, its state rewritten every 250 ms: what polls cost and whether the page stalls.
    const run = liveRunOf(5000, 50);
    const liveServer = await serve('live', run.state);
    const liveFile = join(dir, 'live', 'cascade_state.json');
    const smallRun = liveRunOf(300, 8);
    const smallLive = await serve('live-small', smallRun.state);
    const smallFile = join(dir, 'live-small', 'cascade_state.json');
    // The pretty-printed snapshot, as the store writes it.
    await writeSnapshot(liveFile, run.state);
    const wholeSnapshot = (await readFileBytes(liveFile)).length;
    const live = await duringRun(browser, liveServer.url, project, liveFile, run, 12_000);
    const changed = live.polls.filter((p) => p.status === 200);
    const sizes = changed.map((p) => p.bytes);
    rows.push({
      name: 'poll during a run (5,000 tasks, -j 50, 4 changes/s): bytes, largest',
      value: Math.max(...sizes),
      unit: 'B',
      baseline: wholeSnapshot,
      ratio: Math.max(...sizes) / wholeSnapshot,
      target: '<= 200 KB',
      pass: Math.max(...sizes) <= 200 * 1024,
      note: `${changed.length} polls, median ${median(sizes)} B; baseline: the snapshot file a poll of it transfers`,
    });
    rows.push({
      name: 'first poll (whole state, compressed)',
      value: live.first.bytes,
      unit: 'B',
      baseline: wholeSnapshot,
      ratio: live.first.bytes / wholeSnapshot,
      note: 'brotli; baseline: the snapshot file as written',
    });
    const smallLiveRun = await duringRun(
      browser,
      smallLive.url,
      project,
      smallFile,
      smallRun,
      12_000,
    );
    rows.push({
      name: 'longest main-thread task on the overview during the run',
      value: Math.round(live.longest),
      unit: 'ms',
      baseline: Math.round(smallLiveRun.longest),
      target: '<= 100 ms',
      pass: live.longest <= 100,
      note: '0 = none over 50 ms; 12 s of a run at -j 50; baseline: a 300-task run at -j 8',
    });
    return rows;
  } finally {
    await browser?.close();
    for (const s of servers) await s.close();
    await rm(dir, { recursive: true, force: true });
  }
}
