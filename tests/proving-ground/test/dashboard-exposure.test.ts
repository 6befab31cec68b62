import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  killStarted,
  nova,
  removeDir,
  type Started,
  startNova,
  tempDir,
  waitFor,
} from './helpers.js';

// `--host 0.0.0.0` publishes the dashboard to the network. A Host allow-list alone does not protect
// it (any client can send `Host: localhost`), so off loopback every route needs the access token,
// compared in constant time. Driven against the built binary, over a real non-loopback address of
// this machine when it has one.

const PLAN = `# Exposed Plan

## L1: Main

### L2: Only

| Task ID | Task Name | What Changes | Depends On |
| ------- | --------- | ------------ | ---------- |
| A1      | First     | Something    | -          |
`;

/** An address other machines could use to reach this one (falls back to loopback when none). */
const REMOTE =
  Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address ?? '127.0.0.1';

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A GET to `address:port` with the given headers (Host included: clients choose what they send). */
function get(address: string, port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      { host: address, port, path, headers: { Connection: 'close', ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const ROUTES = ['/', '/cascade_state.json', '/api/state', '/logs/A1', '/logs/A1?download=1'];

let dir: string;
const started: Started[] = [];
beforeAll(() => {
  dir = tempDir('nova-pg-exposed-');
  writeFileSync(`${dir}/CASCADE.md`, PLAN);
  const run = nova(['run', '--agent', 'simulated'], dir, { SIM_DURATION_MS: '20' });
  expect(run.code, run.stderr).toBe(0);
});
afterEach(async () => {
  for (const s of started.splice(0)) s.child.kill('SIGINT');
  await killStarted();
});
afterAll(() => removeDir(dir));

async function dashboard(args: string[], env: NodeJS.ProcessEnv = {}) {
  const s = startNova(['dashboard', '--port', '0', ...args], dir, env);
  started.push(s);
  const url = await waitFor(
    () => s.stdout().match(/Dashboard: (http:\/\/[^\s]+)/)?.[1],
    'the dashboard URL',
  );
  const parsed = new URL(url);
  return { s, url, port: Number(parsed.port), token: parsed.searchParams.get('token') };
}

describe('dashboard bound to a non-loopback address', () => {
  it('generates a token, prints it in the URL with a one-line warning, and refuses every route without it', async () => {
    const { s, port, token } = await dashboard(['--host', '0.0.0.0']);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const warnings = s
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('nova: warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('0.0.0.0');
    const wrong = `${token!.slice(0, -1)}${token!.endsWith('A') ? 'B' : 'A'}`;
    for (const path of ROUTES) {
      for (const headers of [
        {} as Record<string, string>,
        // The trick the Host allow-list cannot stop.
        { Host: `localhost:${port}` },
        { Authorization: `Bearer ${wrong}` },
        { Cookie: `nova_dashboard_${port}=${wrong}` },
      ]) {
        const res = await get(REMOTE, port, path, headers);
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.body).not.toContain('Exposed Plan');
        expect(res.body).not.toContain('# nova:');
      }
      const sep = path.includes('?') ? '&' : '?';
      expect((await get(REMOTE, port, `${path}${sep}token=${wrong}`)).status, path).toBe(401);
    }
    // The token opens every route, by header or (for the page's own requests) by cookie.
    for (const path of ROUTES) {
      const res = await get(REMOTE, port, path, { Authorization: `Bearer ${token}` });
      expect(res.status, path).toBe(200);
    }
    const page = await get(REMOTE, port, `/?token=${token}`);
    expect(page.status).toBe(303);
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    const state = await get(REMOTE, port, '/api/state', { Cookie: cookie });
    expect(state.status).toBe(200);
    expect(state.body).toContain('Exposed Plan');
    const log = await get(REMOTE, port, '/logs/A1', { Cookie: cookie });
    expect(log.body).toContain('# nova: task A1');
  });

  it('takes the token from --token or NOVA_DASHBOARD_TOKEN, and answers --allow-host names', async () => {
    const mine = 'my-own-token-for-the-proxy-0001';
    const byFlag = await dashboard([
      '--host',
      '0.0.0.0',
      '--token',
      mine,
      '--allow-host',
      'nova.example',
    ]);
    expect(byFlag.token).toBe(mine);
    const proxied = { Host: `nova.example:${byFlag.port}`, Authorization: `Bearer ${mine}` };
    expect((await get(REMOTE, byFlag.port, '/api/state', proxied)).status).toBe(200);
    const other = { Host: `other.example:${byFlag.port}`, Authorization: `Bearer ${mine}` };
    expect((await get(REMOTE, byFlag.port, '/api/state', other)).status).toBe(403);
    const byEnv = await dashboard(['--host', '0.0.0.0'], { NOVA_DASHBOARD_TOKEN: mine });
    expect(byEnv.token).toBe(mine);
    expect((await get(REMOTE, byEnv.port, '/api/state')).status).toBe(401);
  });

  it('nova run --dashboard off loopback needs the token too', async () => {
    const run = startNova(
      ['run', '--agent', 'simulated', '--dashboard', '--port', '0', '--host', '0.0.0.0'],
      dir,
      { SIM_DURATION_MS: '20', NOVA_DASHBOARD_GRACE: '2m' },
    );
    started.push(run);
    const url = new URL(
      await waitFor(() => run.stdout().match(/Dashboard: (http:\/\/[^\s]+)/)?.[1], 'the URL'),
    );
    const token = url.searchParams.get('token');
    expect(token).toBeTruthy();
    expect(run.stderr()).toContain('nova: warning:');
    const port = Number(url.port);
    for (const path of ROUTES) expect((await get(REMOTE, port, path)).status, path).toBe(401);
    const ok = await get(REMOTE, port, '/api/state', { Authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
  });
});

describe('dashboard on loopback', () => {
  it('needs no token and prints no warning, as before', async () => {
    const { s, port, token } = await dashboard([]);
    expect(token).toBeNull();
    for (const path of ROUTES) expect((await get('127.0.0.1', port, path)).status, path).toBe(200);
    expect(s.stderr()).toBe('');
  });
});
