/** init, logs, status errors, dashboard, demo and every command's --help: the built binary in temp folders. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killStarted, nova, SMALL_PLAN, startNova, tempDir, waitFor } from './helpers.js';

const dirs: { cleanup(): void }[] = [];
afterEach(() => killStarted());
afterAll(() => {
  for (const d of dirs) d.cleanup();
});
function dir() {
  const t = tempDir();
  dirs.push(t);
  return t;
}

const COMMANDS = [
  'init',
  'validate',
  'plan',
  'run',
  'status',
  'retry',
  'logs',
  'dashboard',
  'demo',
];

describe('every command', () => {
  it('has --help with usage, options and an example, exit 0', () => {
    const t = dir();
    for (const name of COMMANDS) {
      const r = nova([name, '--help'], t.dir);
      expect(r.code, name).toBe(0);
      expect(r.stdout, name).toMatch(new RegExp(`^nova ${name} - `));
      expect(r.stdout, name).toContain(`\nUsage\n  nova ${name}`);
      expect(r.stdout, name).toMatch(/\nExamples\n {2}nova /);
      expect(r.stdout, name).toContain('-h, --help');
    }
    const run = nova(['run', '--help'], t.dir).stdout;
    for (const flag of [
      '--state',
      '--logs',
      '--max-workers',
      '--agent <claude|simulated>',
      '--worker-cmd <template>',
      '--retries',
      '--timeout <duration>',
      '--fail-fast',
      '--max-cost',
      '--milestones',
      '--dashboard',
    ]) {
      expect(run).toContain(flag);
    }
  });
});

describe('nova init', () => {
  it('writes a valid commented plan and milestones; refuses to overwrite without --force', () => {
    const t = dir();
    const r = nova(['init'], t.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Wrote CASCADE.md and milestones.yaml');
    const plan = readFileSync(join(t.dir, 'CASCADE.md'), 'utf8');
    expect(plan).toContain('<!--');
    expect(nova(['validate'], t.dir).code).toBe(0);
    // The milestones example is valid against the template plan: a simulated run records them.
    const run = nova(['run', '--agent', 'simulated'], t.dir, { SIM_DURATION_MS: '20' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^milestone All done/m);

    writeFileSync(join(t.dir, 'CASCADE.md'), '# mine\n');
    const again = nova(['init'], t.dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      'nova: error: CASCADE.md and milestones.yaml already exist; nothing written (use --force to overwrite)\n',
    );
    expect(readFileSync(join(t.dir, 'CASCADE.md'), 'utf8')).toBe('# mine\n');
    const forced = nova(['init', '--force'], t.dir);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(t.dir, 'CASCADE.md'), 'utf8')).toBe(plan);
  });

  it('writes into a new folder given as argument', () => {
    const t = dir();
    expect(nova(['init', 'sub/plan'], t.dir).code).toBe(0);
    expect(existsSync(join(t.dir, 'sub', 'plan', 'milestones.yaml'))).toBe(true);
  });

  it('a folder that cannot be created is one clear line, exit 2 (not a hang)', () => {
    const t = dir();
    // mkdir under /proc fails with ENOENT although the parent exists: Node's recursive mkdir loops.
    writeFileSync(join(t.dir, 'a-file'), 'x');
    for (const target of ['/proc/nova-init-test', join(t.dir, 'a-file', 'plan')]) {
      const r = nova(['init', target], t.dir);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(`^nova: error: cannot create the folder ${target}: E`),
      ]);
    }
  });
});

describe('nova status / logs without a run', () => {
  it('a missing state file is one clear line, exit 2', () => {
    const t = dir();
    for (const args of [['status'], ['status', '--json'], ['logs', 'A1'], ['retry', '--failed']]) {
      const r = nova(args, t.dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toContain('cascade_state.json');
    }
    writeFileSync(join(t.dir, 'cascade_state.json'), '{"schema_version": 1, "tas');
    const corrupt = nova(['status'], t.dir);
    expect(corrupt.code).toBe(2);
    expect(corrupt.stderr).toMatch(/^nova: error: .*cascade_state\.json/);
    expect(corrupt.stderr).not.toMatch(/\n\s+at /);
    const folder = nova(['status', '--state', t.dir], t.dir);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/^nova: error: cannot read state file .*EISDIR.*\n$/);
  });
});

describe('nova logs', { timeout: 60_000 }, () => {
  it('prints a task log; -f follows a running task until it ends', async () => {
    const t = dir();
    t.write('CASCADE.md', SMALL_PLAN);
    expect(nova(['run', '--agent', 'simulated'], t.dir, { SIM_DURATION_MS: '20' }).code).toBe(0);
    const log = nova(['logs', 'A2'], t.dir);
    expect(log.code).toBe(0);
    expect(log.stdout).toBe(readFileSync(join(t.dir, 'logs', 'A2.log'), 'utf8'));
    expect(log.stdout).toContain('"type":"result"');
    const unknown = nova(['logs', 'ZZ'], t.dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^nova: error: no task ZZ in /);
    expect(nova(['logs'], t.dir).code).toBe(2);

    // A fresh state: B1 runs for a while; `logs -f` waits for it and ends when it completes.
    const u = dir();
    u.write('CASCADE.md', SMALL_PLAN);
    const run = startNova(['run', '--agent', 'simulated', '-j', '1'], u.dir, {
      SIM_DURATION_MS: '600',
    });
    await waitFor(() => existsSync(join(u.dir, 'cascade_state.json')), 'the state file');
    const follow = startNova(['logs', 'B1', '-f'], u.dir);
    const ended = await follow.exited;
    expect(ended.code).toBe(0);
    expect(follow.stdout()).toContain('"type":"result"');
    expect(follow.stdout()).toBe(readFileSync(join(u.dir, 'logs', 'B1.log'), 'utf8'));
    expect((await run.exited).code).toBe(0);
  });
});

async function get(url: string) {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

describe('nova dashboard', { timeout: 60_000 }, () => {
  it('serves the app and the state file, prints the URL, stops on Ctrl-C', async () => {
    const t = dir();
    t.write('CASCADE.md', SMALL_PLAN);
    const server = startNova(['dashboard', '--port', '0'], t.dir);
    const url = await waitFor(
      () => server.stdout().match(/Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/)?.[1],
      'the dashboard URL',
    );
    const page = await get(url);
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.body).toContain('<div id="root">');
    // Before any run: no state yet.
    expect((await get(`${url}cascade_state.json`)).status).toBe(404);
    expect(nova(['run', '--agent', 'simulated'], t.dir, { SIM_DURATION_MS: '20' }).code).toBe(0);
    const state = await get(`${url}cascade_state.json`);
    expect(state.status).toBe(200);
    expect(JSON.parse(state.body).project.name).toBe('Small Plan');
    const log = await get(`${url}logs/A1`);
    expect(log.status).toBe(200);
    expect(log.body).toContain('"type":"result"');
    server.child.kill('SIGINT');
    expect((await server.exited).code).toBe(0);
  });

  it('a port in use is one line, exit 2', async () => {
    const t = dir();
    const first = startNova(['dashboard', '--port', '0'], t.dir);
    const port = await waitFor(
      () => first.stdout().match(/127\.0\.0\.1:(\d+)\//)?.[1],
      'the dashboard URL',
    );
    const second = nova(['dashboard', '--port', port], t.dir);
    expect(second.code).toBe(2);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toContain(port);
    first.child.kill('SIGINT');
    await first.exited;
  });
});

describe('nova demo', { timeout: 120_000 }, () => {
  it('copies the demo plan into a fresh folder and runs it with the dashboard; exits when not a terminal', async () => {
    const t = dir();
    const demoDir = join(t.dir, 'demo');
    const demo = startNova(['demo', '--dir', demoDir, '--port', '0'], t.dir, {
      SIM_DURATION_MS: '150',
      NOVA_DASHBOARD_GRACE: '0',
    });
    const url = await waitFor(
      () => demo.stdout().match(/Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/)?.[1],
      'the dashboard URL',
    );
    // The dashboard answers while the demo runs.
    const state = await waitFor(async () => {
      const r = await get(`${url}cascade_state.json`);
      return r.status === 200 ? JSON.parse(r.body) : null;
    }, 'the state over HTTP');
    expect(state.project.name).toBe('Todo API');
    const exit = await demo.exited;
    expect(demo.stderr()).toBe('');
    expect(exit.code).toBe(0);
    expect(demo.stdout()).toContain(`Demo folder: ${demoDir}`);
    expect(demo.stdout()).toContain('Todo API: 16 tasks, 3 workers');
    expect(demo.stdout()).toContain('Done: Todo API: all 16 tasks completed');
    expect(demo.stdout()).toMatch(/^milestone Shipped/m);
    expect(readFileSync(join(demoDir, 'CASCADE.md'), 'utf8')).toContain('# Todo API');
    const status = JSON.parse(
      nova(['status', '--json', '--state', join(demoDir, 'cascade_state.json')], t.dir).stdout,
    );
    expect(status.summary.completed).toBe(16);

    const again = nova(['demo', '--dir', demoDir], t.dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is not empty');
  });
});
