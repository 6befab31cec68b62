import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { CascadeState, TaskStatus } from '@program-nova/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, type RawResponse, stateDocument } from '../../test/dashboard-support.js';
import { negotiateEncoding } from './compression.js';
import { type DashboardServer, startDashboardServer } from './index.js';

let dir: string;
let stateFile: string;
let logs: string;
let server: DashboardServer;

const IDS = Array.from({ length: 40 }, (_, i) => `T${i}`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nova-dash-feed-'));
  logs = join(dir, 'logs');
  await mkdir(logs);
  await mkdir(join(dir, 'app'));
  await writeFile(
    join(dir, 'app', 'index.html'),
    `<!doctype html><title>Nova</title>${'x'.repeat(4000)}`,
  );
  stateFile = join(dir, 'cascade_state.json');
  server = await startDashboardServer({ stateFile, logsDir: logs, appDir: join(dir, 'app') });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function writeState(state: CascadeState) {
  // Like the store: a temp file renamed over the snapshot.
  await writeFile(`${stateFile}.tmp`, JSON.stringify(state, null, 2));
  await rename(`${stateFile}.tmp`, stateFile);
}

function withStatuses(statuses: Record<string, TaskStatus>, pid: number | null = null) {
  const state = stateDocument(IDS, statuses);
  state.project.orchestrator_pid = pid;
  return state;
}

function decoded(res: RawResponse): unknown {
  const encoding = res.headers['content-encoding'];
  const bytes =
    encoding === 'br'
      ? brotliDecompressSync(res.bytes)
      : encoding === 'gzip'
        ? gunzipSync(res.bytes)
        : res.bytes;
  return JSON.parse(bytes.toString('utf8'));
}

const feed = (since?: string, headers: Record<string, string> = {}) =>
  httpRequest(server.port, `/api/state${since ? `?since=${encodeURIComponent(since)}` : ''}`, {
    headers,
  });

describe('GET /api/state', () => {
  it('names the state file it watches while there is none (404, JSON)', async () => {
    const res = await feed();
    expect(res.status).toBe(404);
    expect(decoded(res)).toEqual({ error: 'missing', stateFile });
  });

  it('sends the whole state first, then only the tasks that changed, then 304', async () => {
    await writeState(withStatuses({}));
    const first = await feed();
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    const doc = decoded(first) as { version: string; full: boolean; state: CascadeState };
    expect(doc.full).toBe(true);
    expect(doc.state).toEqual(withStatuses({}));
    expect(first.headers.etag).toBe(`"${doc.version}"`);
    expect(first.headers['x-run-process']).toBe('none');

    const same = await feed(doc.version, { 'If-None-Match': `"${doc.version}"` });
    expect(same.status).toBe(304);
    expect(same.bytes.length).toBe(0);

    await writeState(withStatuses({ T3: 'in_progress', T7: 'completed' }, process.pid));
    const delta = (await feed(doc.version).then(decoded)) as {
      version: string;
      full: boolean;
      since: string;
      project: CascadeState['project'];
      tasks: Record<string, CascadeState['tasks'][string]>;
    };
    expect(delta.full).toBe(false);
    expect(delta.since).toBe(doc.version);
    expect(Object.keys(delta.tasks).sort()).toEqual(['T3', 'T7']);
    expect(delta.tasks.T3!.status).toBe('in_progress');
    expect(delta.project.orchestrator_pid).toBe(process.pid);
    // The state's other fields come along whole, so the page's state is the file's.
    expect(delta).toMatchObject({ removed_tasks: {}, plan_changes: [], warnings: [] });

    // Two versions on: what changed in either, each task once, at its latest.
    await writeState(withStatuses({ T3: 'completed', T7: 'completed', T9: 'failed' }));
    const skip = (await feed(doc.version).then(decoded)) as typeof delta;
    expect(Object.keys(skip.tasks).sort()).toEqual(['T3', 'T7', 'T9']);
    expect(skip.tasks.T3!.status).toBe('completed');
    const step = (await feed(delta.version).then(decoded)) as typeof delta;
    expect(Object.keys(step.tasks).sort()).toEqual(['T3', 'T9']);
  });

  it('sends the whole state again when the plan changed or the version is not its own', async () => {
    await writeState(withStatuses({}));
    const base = decoded(await feed()) as { version: string };
    const grown = stateDocument([...IDS, 'NEW']);
    await writeState(grown);
    const next = decoded(await feed(base.version)) as { full: boolean; state: CascadeState };
    expect(next.full).toBe(true);
    expect(Object.keys(next.state.tasks)).toContain('NEW');
    for (const foreign of ['abc-1', 'garbage', `${base.version}0000`, '']) {
      expect((decoded(await feed(foreign)) as { full: boolean }).full, foreign).toBe(true);
    }
  });

  it('says which recorded run has no live process any more', async () => {
    await writeState(withStatuses({ T1: 'in_progress' }, process.pid));
    expect((await feed()).headers['x-run-process']).toBe('alive');
    // A pid far above any pid_max: no such process.
    await writeState(withStatuses({ T1: 'in_progress' }, 2 ** 30));
    expect((await feed()).headers['x-run-process']).toBe('gone');
  });

  it('names the code and the file when the state cannot be used, and recovers', async () => {
    await writeFile(stateFile, '{"schema_version": 1, "project": ');
    const res = await feed();
    expect(res.status).toBe(503);
    const body = decoded(res) as { error: string; code: string; message: string };
    expect(body.error).toBe('unreadable');
    expect(body.code).toBe('STATE_CORRUPT');
    expect(body.message).toContain(stateFile);
    await writeState(withStatuses({}));
    expect((await feed()).status).toBe(200);
  });

  it('compresses what is worth it, as the client accepts: brotli, gzip or nothing', async () => {
    const plain = await feed();
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (const [accept, encoding] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0, gzip;q=0.5', 'gzip'],
      ['identity', undefined],
    ] as const) {
      const res = await feed(undefined, { 'Accept-Encoding': accept });
      expect(res.headers['content-encoding'], accept).toBe(encoding);
      expect(res.headers.vary).toBe('Accept-Encoding');
      expect(Number(res.headers['content-length'])).toBe(res.bytes.length);
      expect(decoded(res)).toEqual(decoded(plain));
      if (encoding) expect(res.bytes.length).toBeLessThan(plain.bytes.length / 3);
    }
    const page = await httpRequest(server.port, '/', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(page.bytes).toString()).toContain('<title>Nova</title>');
  });
});

describe('negotiateEncoding', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['br', 'br'],
    ['gzip, br', 'br'],
    ['br;q=0', 'identity'],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    ['GZIP', 'gzip'],
    ['deflate', 'identity'],
  ])('%j -> %s', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});
