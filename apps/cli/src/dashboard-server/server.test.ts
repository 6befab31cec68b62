import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskStatus } from '@program-nova/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, stateDocument } from '../../test/dashboard-support.js';
import * as api from './index.js';
import { type DashboardServer, DashboardServerError, startDashboardServer } from './index.js';

let dir: string;
let stateFile: string;
let logs: string;
let server: DashboardServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nova-dash-srv-'));
  logs = join(dir, 'logs');
  await mkdir(logs);
  await mkdir(join(dir, 'app', 'assets'), { recursive: true });
  await writeFile(join(dir, 'app', 'index.html'), '<!doctype html><title>Nova</title>');
  await writeFile(join(dir, 'app', 'assets', 'index-abc.js'), 'export {}');
  await writeFile(join(dir, 'app', 'assets', 'index-abc.css'), 'body{}');
  stateFile = join(dir, 'cascade_state.json');
  server = await startDashboardServer({ stateFile, logsDir: logs, appDir: join(dir, 'app') });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function writeState(ids: string[], statuses?: Record<string, TaskStatus>) {
  // Like the store: write a temp file and rename it over the snapshot.
  const tmp = `${stateFile}.tmp`;
  await writeFile(tmp, JSON.stringify(stateDocument(ids, statuses)));
  await rename(tmp, stateFile);
}

describe('startDashboardServer', () => {
  it('pins the public API of the module', () => {
    expect(Object.keys(api).sort()).toEqual([
      'DashboardServerError',
      'TOKEN_PATTERN',
      'generateToken',
      'isLoopbackHost',
      'resolveDashboardAppDir',
      'startDashboardServer',
    ]);
  });

  it('says plainly that the state file does not exist yet (404, no caching)', async () => {
    const res = await httpRequest(server.port, '/cascade_state.json');
    expect(res.status).toBe(404);
    expect(res.body).toContain('state file not found');
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await httpRequest(server.port, '/logs/F1')).status).toBe(404);
  });

  it('serves the snapshot as is, with an ETag, and 304 without a body while unchanged', async () => {
    await writeState(['F1', 'F2']);
    const first = await httpRequest(server.port, '/cascade_state.json');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(first.body)).toEqual(stateDocument(['F1', 'F2']));
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^"[^"]+"$/);

    const again = await httpRequest(server.port, '/cascade_state.json', {
      headers: { 'If-None-Match': etag },
    });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);

    await writeState(['F1', 'F2'], { F1: 'completed' });
    const changed = await httpRequest(server.port, '/cascade_state.json', {
      headers: { 'If-None-Match': etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(JSON.parse(changed.body).tasks.F1.status).toBe('completed');
  });

  it('answers HEAD with headers only', async () => {
    const res = await httpRequest(server.port, '/cascade_state.json', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
    expect(res.body).toBe('');
  });

  it('serves the tail of a log, limited by ?tail=, with its own ETag', async () => {
    await writeState(['F1', 'F2']);
    await writeFile(join(logs, 'F1.log'), 'line one\nline two\nthe end\n');
    const full = await httpRequest(server.port, '/logs/F1');
    expect(full.status).toBe(200);
    expect(full.body).toBe('line one\nline two\nthe end\n');
    expect(full.headers['x-log-truncated']).toBe('0');
    const tail = await httpRequest(server.port, '/logs/F1?tail=8');
    expect(tail.body).toBe('the end\n');
    expect(tail.headers['x-log-truncated']).toBe('1');
    expect(tail.headers['x-log-size']).toBe('26');
    const unchanged = await httpRequest(server.port, '/logs/F1', {
      headers: { 'If-None-Match': full.headers.etag! },
    });
    expect(unchanged.status).toBe(304);
    expect((await httpRequest(server.port, '/logs/F2')).body).toContain('no log for this task yet');
  });

  it('serves a growing log from an offset, earlier attempts, and the whole file to download', async () => {
    await writeState(['F1', 'F2']);
    await writeFile(join(logs, 'F1.log'), 'attempt three\nmore\n');
    await writeFile(join(logs, 'F1.log.1'), 'attempt one\n');
    await writeFile(join(logs, 'F1.log.2'), 'attempt two\n');
    const from = await httpRequest(server.port, '/logs/F1?from=14');
    expect(from.body).toBe('more\n');
    expect(from.headers['x-log-start']).toBe('14');
    expect(from.headers['x-log-size']).toBe('19');
    expect(from.headers['x-log-earlier']).toBe('2');
    const atEnd = await httpRequest(server.port, '/logs/F1?from=19');
    expect([atEnd.status, atEnd.body]).toEqual([200, '']);
    // An offset past the end: the log was replaced by a new attempt's, so it starts over.
    const replaced = await httpRequest(server.port, '/logs/F1?from=500');
    expect([replaced.headers['x-log-start'], replaced.body]).toEqual([
      '0',
      'attempt three\nmore\n',
    ]);
    expect((await httpRequest(server.port, '/logs/F1?attempt=1')).body).toBe('attempt one\n');
    expect((await httpRequest(server.port, '/logs/F1?attempt=2')).body).toBe('attempt two\n');
    for (const bad of ['3', '0', '-1', '1e2', 'x']) {
      expect((await httpRequest(server.port, `/logs/F1?attempt=${bad}`)).status, bad).toBe(404);
    }
    const download = await httpRequest(server.port, '/logs/F1?attempt=2&download=1');
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toBe('attachment; filename="F1.log.2"');
    expect(download.body).toBe('attempt two\n');
  });

  it('does not cut a UTF-8 character in half at the start of a tail', async () => {
    await writeFile(join(logs, 'F2.log'), 'ééé');
    const res = await httpRequest(server.port, '/logs/F2?tail=3');
    expect(Buffer.from(res.body, 'latin1').toString('utf8')).toBe('é');
  });

  it('serves the app with a strict CSP, fingerprinted assets as immutable', async () => {
    const index = await httpRequest(server.port, '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    expect(index.headers['x-frame-options']).toBe('DENY');
    const js = await httpRequest(server.port, '/assets/index-abc.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    const css = await httpRequest(server.port, '/assets/index-abc.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('names the address when it cannot listen', async () => {
    const error = await startDashboardServer({
      stateFile,
      logsDir: logs,
      appDir: join(dir, 'app'),
      port: server.port,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DashboardServerError);
    expect((error as DashboardServerError).code).toBe('E_LISTEN');
    expect((error as Error).message).toContain(`127.0.0.1:${server.port}`);
  });

  it('finds the built dashboard app through the package', () => {
    // The dashboard is built before the CLI (turbo ^build), so its dist is there.
    const appDir = api.resolveDashboardAppDir();
    expect(appDir).toMatch(/dashboard[/\\]dist$/);
  });

  it('close() is idempotent', async () => {
    const extra = await startDashboardServer({
      stateFile,
      logsDir: logs,
      appDir: join(dir, 'app'),
    });
    await extra.close();
    await extra.close();
    const error = await httpRequest(extra.port, '/').catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
  });
});
