/**
 * `nova run` telling people: hooks, webhooks and their settings, end to end (the built binary,
 * the simulated agent, real hook processes, a real HTTP receiver on 127.0.0.1).
 */
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { isProcessAlive } from '@program-nova/worker';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killStarted, nova, startNova, tempDir, waitFor } from './helpers.js';

const dirs: { cleanup(): void }[] = [];
const servers: Server[] = [];
afterEach(async () => {
  killStarted();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});
afterAll(() => {
  for (const d of dirs) d.cleanup();
});

/** A1 -> A2 -> A3 and B1 after A3: one order at one worker. */
const CHAIN = `# Chain

## L1: Main

### L2: Work

| Task ID | Task Name | Depends On |
| ------- | --------- | ---------- |
| A1      | One       | -          |
| A2      | Two       | A1         |
| A3      | Three     | A2         |
`;

/** A hook: appends {argv, stdin} as one JSON line to the file named by its first argument. */
const RECORD = `import { appendFileSync } from 'node:fs';
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  appendFileSync(process.argv[2], JSON.stringify({ argv: process.argv.slice(3), stdin: input }) + '\\n');
});
`;

/** A hook that never ends: ignores SIGTERM, has a child in its group, writes both pids. */
const HANG = `import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
process.on('SIGTERM', () => {});
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
writeFileSync(process.argv[2], JSON.stringify([process.pid, child.pid]));
setInterval(() => {}, 1000);
`;

const FAIL_A2 = { SIM_DURATION_MS: '30', SIM_FAIL_TASKS: 'A2' };

function planDir() {
  const t = tempDir();
  dirs.push(t);
  t.write('CASCADE.md', CHAIN);
  t.write('record.mjs', RECORD);
  t.write('hang.mjs', HANG);
  return t;
}

function lines(file: string): { argv: string[]; stdin: string }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe('nova run: notifications', { timeout: 120_000 }, () => {
  it('hooks get the events of a failing run in order, one JSON line each, placeholders in argv; the run exits 1 as without them', () => {
    const t = planDir();
    t.write(
      'nova.config.json',
      JSON.stringify({ hooks: { '*': [process.execPath, 'record.mjs', 'all.jsonl', '{event}'] } }),
    );
    const r = nova(
      [
        'run',
        '--agent',
        'simulated',
        '-j',
        '1',
        '--on',
        `task:failed=${process.execPath} record.mjs failed.jsonl {event} {id} {name} {status} '{error}' {project} {state}`,
      ],
      t.dir,
      FAIL_A2,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Notifications: 2 hooks');
    expect(r.stderr).toBe('');
    const all = lines(join(t.dir, 'all.jsonl'));
    const events = all.map((l) => JSON.parse(l.stdin));
    // Each stdin is exactly one line of JSON.
    expect(all.every((l) => l.stdin.endsWith('\n') && !l.stdin.slice(0, -1).includes('\n'))).toBe(
      true,
    );
    expect(events.map((e) => [e.type, e.id ?? null])).toEqual([
      ['run:started', null],
      ['task:started', 'A1'],
      ['task:completed', 'A1'],
      ['task:started', 'A2'],
      ['task:failed', 'A2'],
      ['task:blocked', 'A3'],
      ['run:finished', null],
    ]);
    expect(all.map((l) => l.argv[0])).toEqual(events.map((e) => e.type));
    const state = join(t.dir, 'cascade_state.json');
    for (const e of events) expect(e.run).toEqual({ project: 'Chain', state });
    expect(events[4]).toMatchObject({ name: 'Two', status: 'failed', attempt: 1, blocks: ['A3'] });
    expect(events[6]).toMatchObject({ outcome: 'failed', ok: false, status: 'failed' });
    const [failed] = lines(join(t.dir, 'failed.jsonl'));
    expect(failed!.argv.slice(0, 4)).toEqual(['task:failed', 'A2', 'Two', 'failed']);
    expect(failed!.argv[4]).toMatch(/^Task A2: .*exited with code 1/);
    expect(failed!.argv.slice(5)).toEqual(['Chain', state]);
    expect(JSON.parse(failed!.stdin)).toEqual(events[4]);
  });

  it('a hook that hangs is killed with its process group after --hook-timeout; HOOK_TIMEOUT; the exit code is unchanged', () => {
    const t = planDir();
    const r = nova(
      [
        'run',
        '--agent',
        'simulated',
        '--hook-timeout',
        '3s',
        '--on',
        `task:failed=${process.execPath} hang.mjs pids.json`,
      ],
      t.dir,
      FAIL_A2,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Failed: Chain: 1 failed, 1 blocked');
    // The run may end before the hook's own timeout: then the end's wait (as long) stops it.
    expect(r.stderr.trim()).toMatch(
      /^nova: warning: HOOK_TIMEOUT: (hook '.*hang\.mjs pids\.json' for task:failed A2: still running after 3\.0s|1 hook run not finished 3\.0s after the run ended): stopped$/,
    );
    const [leader, child] = JSON.parse(readFileSync(join(t.dir, 'pids.json'), 'utf8')) as number[];
    expect(isProcessAlive(leader!)).toBe(false);
    expect(isProcessAlive(child!)).toBe(false);
  });

  it('Ctrl-C during the end-of-run wait stops a running hook with its group instead of leaving it behind', async () => {
    const t = planDir();
    // A wait of ten minutes: only the Ctrl-C can end it within the test's own timeout.
    const run = startNova(
      [
        'run',
        '--agent',
        'simulated',
        '--hook-timeout',
        '10m',
        '--on',
        `run:finished=${process.execPath} hang.mjs pids.json`,
      ],
      t.dir,
      FAIL_A2,
    );
    const pidsFile = join(t.dir, 'pids.json');
    await waitFor(() => existsSync(pidsFile) && readFileSync(pidsFile, 'utf8') !== '', 'the hook');
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    // The run itself had ended (A2 failed) before the Ctrl-C: its exit code stands.
    expect(code).toBe(1);
    expect(run.stderr()).toContain(
      'HOOK_TIMEOUT: 1 hook run not finished when the wait was cut short: stopped',
    );
    const [leader, child] = JSON.parse(readFileSync(pidsFile, 'utf8')) as number[];
    expect(isProcessAlive(leader!)).toBe(false);
    expect(isProcessAlive(child!)).toBe(false);
  }, 60_000);

  it('webhooks: signed with NOVA_WEBHOOK_SECRET, a 500 retried as the same delivery, every event received', async () => {
    const t = planDir();
    const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => {
        body += d;
      });
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.statusCode = seen.length === 1 ? 500 : 200;
        res.end();
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const run = startNova(
      ['run', '--agent', 'simulated', '-j', '1', '--webhook', `http://127.0.0.1:${port}/nova`],
      t.dir,
      { ...FAIL_A2, NOVA_WEBHOOK_SECRET: 'shh' },
    );
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(run.stdout()).toContain('Notifications: 1 webhook');
    expect(run.stderr()).toBe('');
    const sign = (body: string) =>
      `sha256=${createHmac('sha256', 'shh').update(body).digest('hex')}`;
    for (const s of seen) expect(s.headers['x-nova-signature']).toBe(sign(s.body));
    const [first, second] = seen;
    expect(second!.headers['x-nova-delivery']).toBe(first!.headers['x-nova-delivery']);
    expect(second!.body).toBe(first!.body);
    const delivered = seen.slice(1).map((s) => JSON.parse(s.body));
    expect(delivered.map((e) => e.type)).toEqual([
      'run:started',
      'task:started',
      'task:completed',
      'task:started',
      'task:failed',
      'task:blocked',
      'run:finished',
    ]);
    expect(delivered[4].text).toMatch(/^❌ A2 Two failed: .*exited with code 1.* \(Chain\)$/);
    expect(new Set(seen.slice(1).map((s) => s.headers['x-nova-delivery'])).size).toBe(7);
  });

  it('unknown event names, bad commands and bad URLs are one error line, exit 2, nothing run', () => {
    const t = planDir();
    const flag = nova(['run', '--agent', 'simulated', '--on', 'task:faild=echo x'], t.dir);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain(
      'nova: error: --on: unknown event "task:faild" (did you mean "task:failed"?)',
    );
    const noEq = nova(['run', '--agent', 'simulated', '--on', 'task:failed'], t.dir);
    expect(noEq.code).toBe(2);
    expect(noEq.stderr).toContain('--on must be <event>=<command>');
    const url = nova(['run', '--agent', 'simulated', '--webhook', 'file:///etc/passwd'], t.dir);
    expect(url.code).toBe(2);
    expect(url.stderr).toContain('--webhook: a file URL cannot be a webhook (http or https only)');
    const timeout = nova(['run', '--agent', 'simulated', '--hook-timeout', 'soon'], t.dir);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('--hook-timeout must be a duration');

    const config = join(t.dir, 'nova.config.json');
    t.write('nova.config.json', JSON.stringify({ hooks: { milestones: 'echo {id}' } }));
    const hook = nova(['run', '--agent', 'simulated'], t.dir);
    expect(hook.code).toBe(2);
    expect(hook.stderr.trim()).toBe(
      `nova: error: ${config}: hooks: unknown event "milestones" (did you mean "milestone"?)`,
    );
    t.write(
      'nova.config.json',
      JSON.stringify({ webhooks: [{ url: 'https://x.test', events: ['done'] }] }),
    );
    const events = nova(['run', '--agent', 'simulated'], t.dir);
    expect(events.stderr).toContain(`${config}: webhooks: unknown event "done"`);
    t.write('nova.config.json', JSON.stringify({ webhooks: [{ url: 'mailto:me@x.test' }] }));
    expect(nova(['run', '--agent', 'simulated'], t.dir).stderr).toContain(
      `${config}: webhooks: a mailto URL cannot be a webhook (http or https only)`,
    );
    expect(existsSync(join(t.dir, 'cascade_state.json'))).toBe(false);
  });
});
