import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, stateDocument } from '../../test/dashboard-support.js';
import { createAccessCheck, generateToken, isLoopbackHost, tokenCookieName } from './access.js';
import { type DashboardServer, DashboardServerError, startDashboardServer } from './index.js';

const TOKEN = 'test-token-0123456789abcdef';
const ROUTES = ['/', '/cascade_state.json', '/api/state', '/logs/F1', '/logs/F1?download=1'];

let dir: string;
let server: DashboardServer;
let options: Parameters<typeof startDashboardServer>[0];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nova-dash-access-'));
  await mkdir(join(dir, 'logs'));
  await mkdir(join(dir, 'app'));
  await writeFile(join(dir, 'app', 'index.html'), '<!doctype html><title>app</title>');
  await writeFile(join(dir, 'logs', 'F1.log'), 'secret log line\n');
  await writeFile(join(dir, 'cascade_state.json'), JSON.stringify(stateDocument(['F1'])));
  options = {
    stateFile: join(dir, 'cascade_state.json'),
    logsDir: join(dir, 'logs'),
    appDir: join(dir, 'app'),
  };
  // The token check is the same whatever the address; loopback keeps the test off the network.
  server = await startDashboardServer({ ...options, token: TOKEN });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (target: string, headers: Record<string, string> = {}) =>
  httpRequest(server.port, target, { headers });

describe('dashboard access token', () => {
  it('refuses to bind a non-loopback address without a token, or with a weak one', async () => {
    for (const host of ['0.0.0.0', '::', '192.0.2.10']) {
      const error = await startDashboardServer({ ...options, host }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DashboardServerError);
      expect((error as DashboardServerError).code).toBe('E_TOKEN_REQUIRED');
      expect((error as Error).message).toContain('token');
    }
    for (const token of ['short', 'has spaces in it, sixteen+', `${'x'.repeat(257)}`]) {
      const error = await startDashboardServer({ ...options, token }).catch((e: unknown) => e);
      expect((error as DashboardServerError).code).toBe('E_TOKEN_INVALID');
    }
  });

  it('puts the token in the URL it gives', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
  });

  it('answers 401 on every route without the token, with a wrong one, or one of the same length', async () => {
    const wrong = `${TOKEN.slice(0, -1)}X`;
    expect(wrong).toHaveLength(TOKEN.length);
    for (const route of ROUTES) {
      const join = route.includes('?') ? '&' : '?';
      for (const res of [
        await get(route),
        await get(`${route}${join}token=${wrong}`),
        await get(route, { Authorization: `Bearer ${wrong}` }),
        await get(route, { Cookie: `${tokenCookieName(server.port)}=${wrong}` }),
        await get(route, { Cookie: `nova_dashboard_1=${TOKEN}` }),
      ]) {
        expect(res.status, route).toBe(401);
        expect(res.headers['www-authenticate']).toContain('Bearer');
        expect(res.body).not.toContain('secret log line');
        expect(res.body).not.toContain('schema_version');
      }
    }
    // Even a write method learns nothing more than "unauthorized".
    expect((await httpRequest(server.port, '/', { method: 'POST' })).status).toBe(401);
  });

  it('answers with the token in the URL, a Bearer header or the cookie', async () => {
    for (const route of ROUTES.slice(1)) {
      const join = route.includes('?') ? '&' : '?';
      expect((await get(`${route}${join}token=${TOKEN}`)).status, route).toBe(200);
      expect((await get(route, { Authorization: `Bearer ${TOKEN}` })).status, route).toBe(200);
      const cookie = { Cookie: `other=1; ${tokenCookieName(server.port)}=${TOKEN}` };
      expect((await get(route, cookie)).status, route).toBe(200);
    }
    const log = await get('/logs/F1', { Authorization: `Bearer ${TOKEN}` });
    expect(log.body).toBe('secret log line\n');
  });

  it('trades the token in the page URL for an HttpOnly SameSite=Strict cookie and drops it from the address', async () => {
    const res = await get(`/?token=${TOKEN}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = res.headers['set-cookie']!;
    expect(cookie).toContain(`${tokenCookieName(server.port)}=${TOKEN}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const page = await get('/', { Cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>app</title>');
  });

  it('a loopback server without a token answers as before', async () => {
    const open = await startDashboardServer(options);
    try {
      expect(open.url).toBe(`http://127.0.0.1:${open.port}/`);
      for (const route of ROUTES) {
        expect((await httpRequest(open.port, route)).status, route).toBe(200);
      }
    } finally {
      await open.close();
    }
  });
});

describe('access helpers', () => {
  it('tells loopback addresses from the rest', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', 'LOCALHOST']) {
      expect(isLoopbackHost(h), h).toBe(true);
    }
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'example.com', '127.0.0.1.nip.io', '']) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });

  it('generates long random URL-safe tokens', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
  });

  it('checks every way a token can come, and allows all without a token', () => {
    const req = (headers: Record<string, string>) =>
      ({ headers }) as unknown as Parameters<ReturnType<typeof createAccessCheck>>[0];
    const none = new URLSearchParams();
    expect(createAccessCheck(null, 1)(req({}), none).kind).toBe('allowed');
    const check = createAccessCheck(TOKEN, 8080);
    expect(check(req({ authorization: `bearer ${TOKEN}` }), none).kind).toBe('allowed');
    expect(check(req({ authorization: `Basic ${TOKEN}` }), none).kind).toBe('denied');
    expect(check(req({}), new URLSearchParams({ token: TOKEN })).kind).toBe('allowed_by_query');
    expect(check(req({ cookie: `nova_dashboard_8080=${TOKEN}` }), none).kind).toBe('allowed');
    expect(check(req({ cookie: `nova_dashboard_8081=${TOKEN}` }), none).kind).toBe('denied');
  });
});
