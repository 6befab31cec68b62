import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../core/cli-error.js';
import { loadConfig } from '../core/config.js';
import { checkWorkerCommand, resolveRunSettings } from './settings.js';

const dir = mkdtempSync(join(tmpdir(), 'nova-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const plan = join(dir, 'CASCADE.md');

describe('resolveRunSettings', () => {
  it('defaults: claude, 3 workers, ./cascade_state.json, no limits', () => {
    const s = resolveRunSettings({}, plan, {}, '/work');
    expect(s).toMatchObject({
      agent: 'claude',
      workerCommand: null,
      maxWorkers: 3,
      stateFile: '/work/cascade_state.json',
      logsDir: undefined,
      retries: undefined,
      timeoutMs: undefined,
      failFast: false,
      maxCost: undefined,
      milestonesFile: undefined,
      dashboard: false,
      port: 4321,
      host: '127.0.0.1',
    });
  });

  it('--max-log-size reads sizes; --replan and --rerun-changed; config keys too', () => {
    expect(resolveRunSettings({}, plan, {}, '/work')).toMatchObject({
      maxLogBytes: undefined,
      replan: false,
      rerunChanged: false,
    });
    expect(
      resolveRunSettings({ 'max-log-size': '256M', replan: true }, plan, {}, '/work'),
    ).toMatchObject({ maxLogBytes: 256 * 1024 * 1024, replan: true });
    expect(
      resolveRunSettings({}, plan, { maxLogSize: '1.5G', rerunChanged: true }, '/work'),
    ).toMatchObject({ maxLogBytes: 1.5 * 1024 ** 3, rerunChanged: true });
    expect(resolveRunSettings({}, plan, { maxLogSize: 4096 }, '/work').maxLogBytes).toBe(4096);
    for (const bad of ['lots', '10X', '0', '12']) {
      expect(() => resolveRunSettings({ 'max-log-size': bad }, plan, {}, '/work')).toThrow(
        /--max-log-size must be a size/,
      );
    }
  });

  it('--usage-limit-pause is read like --timeout; the flag wins over usageLimitPause', () => {
    expect(resolveRunSettings({}, plan, {}, '/work').usageLimitPauseMs).toBeUndefined();
    expect(
      resolveRunSettings({ 'usage-limit-pause': '1m30s' }, plan, {}, '/work').usageLimitPauseMs,
    ).toBe(90_000);
    expect(resolveRunSettings({}, plan, { usageLimitPause: 45 }, '/work').usageLimitPauseMs).toBe(
      45_000,
    );
    expect(
      resolveRunSettings({ 'usage-limit-pause': '2m' }, plan, { usageLimitPause: '10m' }, '/work')
        .usageLimitPauseMs,
    ).toBe(120_000);
    for (const bad of ['none', '-', '0s', 'soon', '10x']) {
      expect(() => resolveRunSettings({ 'usage-limit-pause': bad }, plan, {}, '/work')).toThrow(
        expect.objectContaining({
          code: 'E_USAGE',
          message: expect.stringMatching(/^--usage-limit-pause must be a duration/),
        }),
      );
    }
  });

  it('flags win over the config file; flag paths are relative to the cwd', () => {
    const s = resolveRunSettings(
      { 'max-workers': '5', state: 's.json', timeout: '1h30m', 'max-cost': '$12.5', retries: '2' },
      plan,
      {
        maxWorkers: 2,
        state: '/cfg/state.json',
        timeout: '10m',
        agent: 'simulated',
        failFast: true,
      },
      '/work',
    );
    expect(s.maxWorkers).toBe(5);
    expect(s.stateFile).toBe('/work/s.json');
    expect(s.timeoutMs).toBe(5_400_000);
    expect(s.maxCost).toBe(12.5);
    expect(s.retries).toBe(2);
    expect(s.failFast).toBe(true);
    expect(s.agent).toBe('simulated');
    expect(s.workerCommand?.[0]).toBe(process.execPath);
    expect(s.workerCommand?.[1]).toMatch(/simulated-agent\.mjs$/);
  });

  it('--worker-cmd is split into argv without a shell and wins over --agent', () => {
    const s = resolveRunSettings(
      { 'worker-cmd': `my-agent --name "{name}" 'a b' c\\ d $HOME;ls`, agent: 'simulated' },
      plan,
      {},
      '/work',
    );
    expect(s.workerCommand).toEqual(['my-agent', '--name', '{name}', 'a b', 'c d', '$HOME;ls']);
    const fromConfig = resolveRunSettings({}, plan, { workerCmd: ['x', 'a b'] }, '/work');
    expect(fromConfig.workerCommand).toEqual(['x', 'a b']);
  });

  it('uses milestones.yaml beside the plan when it exists', () => {
    expect(resolveRunSettings({}, plan, {}, dir).milestonesFile).toBeUndefined();
    writeFileSync(join(dir, 'milestones.yaml'), 'milestones: []\n');
    expect(resolveRunSettings({}, plan, {}, dir).milestonesFile).toBe(join(dir, 'milestones.yaml'));
  });

  it('bad values are usage errors naming the flag', () => {
    const bad = (values: Record<string, string>) => {
      try {
        resolveRunSettings(values, plan, {}, '/work');
      } catch (error) {
        expect(error).toBeInstanceOf(CliError);
        expect((error as CliError).code).toBe('E_USAGE');
        return (error as Error).message;
      }
      throw new Error('no error');
    };
    expect(bad({ 'max-workers': '2.5' })).toMatch(/^--max-workers /);
    expect(bad({ retries: 'x' })).toMatch(/^--retries /);
    expect(bad({ timeout: '0s' })).toMatch(/^--timeout /);
    expect(bad({ 'max-cost': '-3' })).toMatch(/^--max-cost /);
    expect(bad({ agent: 'Claude' })).toMatch(/^--agent /);
    expect(bad({ port: '70000' })).toMatch(/^--port /);
  });

  it('checkWorkerCommand: a missing program is refused; placeholders are not checked', () => {
    const settings = resolveRunSettings({}, plan, {}, '/work');
    expect(() => checkWorkerCommand(settings, { PATH: '/nonexistent' }, '/work')).toThrow(
      /Claude Code \('claude'\) is not installed/,
    );
    const node = resolveRunSettings({ 'worker-cmd': `'${process.execPath}' x` }, plan, {}, '/');
    expect(() => checkWorkerCommand(node, { PATH: '' }, '/')).not.toThrow();
    const templated = resolveRunSettings({ 'worker-cmd': '{model}-agent' }, plan, {}, '/');
    expect(() => checkWorkerCommand(templated, { PATH: '' }, '/')).not.toThrow();
  });
});

describe('loadConfig (nova.config.json)', () => {
  it('none: empty; paths relative to its folder; wrong types and unknown keys name the file', async () => {
    const sub = mkdtempSync(join(dir, 'cfg-'));
    expect(await loadConfig(join(sub, 'CASCADE.md'))).toEqual({ file: null, config: {} });
    writeFileSync(
      join(sub, 'nova.config.json'),
      JSON.stringify({ state: 'run/state.json', maxWorkers: 4, workerCmd: 'a b' }),
    );
    const { config } = await loadConfig(join(sub, 'CASCADE.md'));
    expect(config).toEqual({ state: join(sub, 'run/state.json'), maxWorkers: 4, workerCmd: 'a b' });
    writeFileSync(join(sub, 'nova.config.json'), '{"maxWorkers": "four"}');
    await expect(loadConfig(join(sub, 'CASCADE.md'))).rejects.toThrow(
      /nova\.config\.json: "maxWorkers" must be a number/,
    );
    writeFileSync(join(sub, 'nova.config.json'), '{"maxWorkers": 4,}');
    await expect(loadConfig(join(sub, 'CASCADE.md'))).rejects.toThrow(
      /nova\.config\.json: not valid JSON/,
    );
    writeFileSync(join(sub, 'nova.config.json'), '[]');
    await expect(loadConfig(join(sub, 'CASCADE.md'))).rejects.toThrow(/expected a JSON object/);
  });
});

describe('notifications', () => {
  it('config hooks come first, --on flags add to them; NOVA_WEBHOOK_SECRET signs webhooks without their own', () => {
    const s = resolveRunSettings(
      {
        on: ['task:failed=notify-me {id}', '*=log {event}'],
        webhook: ['https://flag.test/h'],
        notify: true,
        'hook-timeout': '5s',
      },
      plan,
      {
        hooks: [{ event: 'run:finished', command: ['done', '{status}'] }],
        webhooks: [{ url: 'https://config.test/h', secret: 'own' }],
      },
      '/work',
      'run',
      { NOVA_WEBHOOK_SECRET: 'env' },
    );
    expect(s.notify).toEqual({
      hooks: [
        { event: 'run:finished', command: ['done', '{status}'] },
        { event: 'task:failed', command: 'notify-me {id}' },
        { event: '*', command: 'log {event}' },
      ],
      webhooks: [
        { url: 'https://config.test/h', secret: 'own' },
        { url: 'https://flag.test/h', secret: 'env' },
      ],
      desktop: true,
      hookTimeoutMs: 5000,
    });
    expect(resolveRunSettings({}, plan, {}, '/work').notify).toEqual({
      hooks: [],
      webhooks: [],
      desktop: false,
      hookTimeoutMs: undefined,
    });
  });

  it('bad --on, --webhook and --hook-timeout values are usage errors naming the flag', () => {
    const bad = (values: Record<string, unknown>) => {
      try {
        resolveRunSettings(values as never, plan, {}, '/work');
      } catch (error) {
        expect(error).toBeInstanceOf(CliError);
        return (error as CliError).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ on: ['task:failed'] })).toMatch(/^--on must be <event>=<command>/);
    expect(bad({ on: ['tsk:failed=x'] })).toBe(
      '--on: unknown event "tsk:failed" (did you mean "task:failed"?)',
    );
    expect(bad({ on: ["task:failed=say 'x"] })).toMatch(/unbalanced ' quote/);
    expect(bad({ webhook: ['not a url'] })).toBe('--webhook: "not a url" is not a URL');
    expect(bad({ 'hook-timeout': 'none' })).toMatch(/^--hook-timeout must be a duration/);
  });

  it('nova.config.json: hooks and webhooks are checked, naming the file', async () => {
    const sub = mkdtempSync(join(dir, 'cfg-'));
    const file = join(sub, 'nova.config.json');
    const load = async (doc: unknown) => {
      writeFileSync(file, JSON.stringify(doc));
      return loadConfig(join(sub, 'CASCADE.md'));
    };
    expect(
      (await load({ hooks: { 'task:failed': 'x {id}' }, webhooks: [{ url: 'http://h.test' }] }))
        .config,
    ).toEqual({
      hooks: [{ event: 'task:failed', command: 'x {id}' }],
      webhooks: [{ url: 'http://h.test' }],
    });
    await expect(load({ hooks: ['x'] })).rejects.toThrow(`${file}: "hooks" must be an object`);
    await expect(load({ hooks: { 'task:failed': 3 } })).rejects.toThrow(
      `${file}: hooks: "task:failed" must be a command string or an array of arguments`,
    );
    await expect(load({ webhooks: [{ url: 'http://h.test', event: ['x'] }] })).rejects.toThrow(
      `${file}: webhooks: entry 1: unknown key "event" (known: url, events, secret)`,
    );
    await expect(load({ webhooks: [{ url: 'http://h.test', secret: 1 }] })).rejects.toThrow(
      /"secret" must be a non-empty string/,
    );
  });
});
