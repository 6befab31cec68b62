import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  httpRequest,
  type RawResponse,
  rawRequest,
  stateDocument,
} from '../../test/dashboard-support.js';
import { type DashboardServer, startDashboardServer } from './index.js';

const CANARY = 'CANARY-7f3e-do-not-serve';
// Host templates are written before the port is known.
const PORT_PLACEHOLDER = '{port}';

let dir: string;
let server: DashboardServer;
let port: number;
const seen: RawResponse[] = [];

async function get(target: string, options: Parameters<typeof httpRequest>[2] = {}) {
  const response = await httpRequest(port, target, options);
  seen.push(response);
  return response;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nova-dash-sec-'));
  const logs = join(dir, 'run', 'logs');
  const app = join(dir, 'app');
  await mkdir(logs, { recursive: true });
  await mkdir(join(app, 'assets'), { recursive: true });
  await mkdir(join(dir, 'outside'), { recursive: true });
  // The canary sits outside the logs folder and outside the app, under every name a trick might reach.
  for (const file of ['canary.txt', 'canary.log', 'run/canary.log', 'outside/secret.log']) {
    await writeFile(join(dir, file), `${CANARY}\n`);
  }
  await writeFile(join(app, 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(join(app, 'assets', 'app.js'), 'console.log(1)');
  await symlink(join(dir, 'canary.txt'), join(app, 'assets', 'leak.js'));
  await writeFile(join(logs, 'F1.log'), 'hello from F1\nline two\n');
  // A task whose log is a symlink pointing outside the logs folder.
  await symlink(join(dir, 'canary.log'), join(logs, 'F2.log'));
  // A task whose log is a relative symlink climbing out.
  await symlink('../../outside/secret.log', join(logs, 'F3.log'));
  // A symlinked folder inside logs (IDs cannot contain '/', but the folder must not help either).
  await symlink(join(dir, 'outside'), join(logs, 'sub'));
  const ids = ['F1', 'F2', 'F3', 'canary', 'sub', '..', 'secret'];
  await writeFile(join(dir, 'run', 'cascade_state.json'), JSON.stringify(stateDocument(ids)));
  server = await startDashboardServer({
    stateFile: join(dir, 'run', 'cascade_state.json'),
    logsDir: logs,
    appDir: app,
  });
  port = server.port;
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('dashboard server security (raw sockets)', () => {
  it('binds 127.0.0.1 by default', () => {
    expect(server.url).toBe(`http://127.0.0.1:${port}/`);
  });

  it('answers the local host names with the port', async () => {
    for (const host of [
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      `LOCALHOST:${port}`,
    ]) {
      const res = await get('/logs/F1', { host });
      expect(res.status, host).toBe(200);
      expect(res.body).toBe('hello from F1\nline two\n');
    }
  });

  it.each([
    ['evil.example', 'evil.example'],
    ['evil with port', `evil.example:${PORT_PLACEHOLDER}`],
    ['localhost without port', 'localhost'],
    ['wrong port', 'localhost:1'],
    ['rebinding name', `127.0.0.1.nip.io:${PORT_PLACEHOLDER}`],
    ['userinfo trick', `localhost:${PORT_PLACEHOLDER}@evil.example`],
    ['empty', ''],
  ])('refuses a bad Host header (%s) with 403', async (_label, hostTemplate) => {
    const host = hostTemplate.replace(PORT_PLACEHOLDER, String(port));
    for (const target of ['/', '/cascade_state.json', '/logs/F1']) {
      const res = await get(target, { host });
      expect(res.status, `${host} ${target}`).toBe(403);
      expect(res.body).not.toContain('hello from F1');
      expect(res.body).not.toContain('schema_version');
    }
  });

  it('refuses a request without a Host header with 403', async () => {
    const res = await rawRequest(port, 'GET /cascade_state.json HTTP/1.0\r\n\r\n');
    seen.push(res);
    expect(res.status).toBe(403);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'])(
    '%s -> 405 on every route',
    async (method) => {
      for (const target of ['/', '/cascade_state.json', '/logs/F1', '/anything']) {
        const res = await get(target, {
          method,
          headers: { 'Content-Length': '2', 'Content-Type': 'application/json' },
        });
        expect(res.status, `${method} ${target}`).toBe(405);
        expect(res.headers.allow).toBe('GET, HEAD');
      }
    },
  );

  it.each([
    '/logs/..%2Fcanary.txt',
    '/logs/..%2fcanary',
    '/logs/..%2F..%2Fcanary.txt',
    '/logs/%2e%2e',
    '/logs/%2e%2e/canary.txt',
    '/logs/%2E%2E%2Fcanary',
    '/logs/%2e%2e%2f%2e%2e%2fcanary',
    '/logs/..',
    '/logs/../canary.txt',
    '/logs/../../canary.txt',
    '/logs/F1/../../canary.txt',
    '/logs/F1%2F..%2F..%2Fcanary',
    '/logs/..%5Ccanary',
    '/logs/..\\canary.txt',
    '/logs/F1#/../../canary.txt',
    '/logs/F1%23/../canary.txt',
    '/logs/%23',
    '/logs/F1%00',
    '/logs/F1%00.txt',
    '/logs/F1%00/../../canary.txt',
    '/logs/F2',
    '/logs/F3',
    '/logs/canary',
    '/logs/secret',
    '/logs/sub',
    '/logs/sub%2Fsecret',
    '/logs/__proto__',
    '/logs/constructor',
    '/logs/unknown',
    '/logs/',
    '/logs',
    '/../canary.txt',
    '/%2e%2e/canary.txt',
    '/%2e%2e%2fcanary.txt',
    '/assets/../../canary.txt',
    '/assets/%2e%2e/%2e%2e/canary.txt',
    '/assets/leak.js',
    '/assets/',
    '//etc/passwd',
    '/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/canary.txt',
    '/index.html%00.js',
    '/%ZZ',
    '/.',
    '/./index.html',
  ])('GET %s -> 404 and no canary', async (target) => {
    const res = await get(target);
    expect(res.status).toBe(404);
    expect(res.raw).not.toContain(CANARY);
    expect(res.raw).not.toContain('root:');
  });

  it('refuses absolute-form request targets', async () => {
    const res = await get(`http://127.0.0.1:${port}/../canary.txt`);
    expect(res.status).toBe(404);
    expect(res.raw).not.toContain(CANARY);
  });

  it('never serves the canary to raw bytes the HTTP parser may reject', async () => {
    for (const request of [
      Buffer.from(
        `GET /logs/F1\0/../../canary.txt HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
        'latin1',
      ),
      `GET /logs/..\t/canary.txt HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
      `GET /logs/.. /canary.txt HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
    ]) {
      const res = await rawRequest(port, request);
      seen.push(res);
      expect(res.status).not.toBe(200);
      expect(res.raw).not.toContain(CANARY);
    }
  });

  it('serves logs as text/plain with nosniff, and never any CORS header', async () => {
    const res = await get('/logs/F1', { headers: { Origin: 'http://evil.example' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    for (const response of seen.concat(res)) {
      expect(Object.keys(response.headers).filter((h) => h.startsWith('access-control-'))).toEqual(
        [],
      );
    }
  });

  it('no response ever contained the canary', () => {
    expect(seen.length).toBeGreaterThan(60);
    for (const response of seen) expect(response.raw).not.toContain(CANARY);
  });
});
