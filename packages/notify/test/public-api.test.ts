/** Pins the runtime surface of the built entry: adding or removing an export is a visible change. */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('@program-nova/notify', async () => {
  const mod = await import('../dist/index.js');
  expect(Object.keys(mod).sort()).toEqual([
    'ANY_EVENT',
    'DEFAULT_HOOK_TIMEOUT_MS',
    'DESKTOP_EVENTS',
    'NOTIFY_EVENTS',
    'NotifyError',
    'appleScriptString',
    'checkEventName',
    'checkHooks',
    'checkWebhooks',
    'createDesktopSink',
    'createHookSink',
    'createNotifier',
    'createWebhookSink',
    'desktopCommand',
    'eventText',
    'hookValues',
    'signBody',
    'webhookLabel',
  ]);
});

it('depends on @program-nova/core, cross-spawn and Node built-ins only', () => {
  const code = readFileSync(join(import.meta.dirname, '..', 'dist', 'index.js'), 'utf8');
  const imports = [...code.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  const builtin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);
  expect([...new Set(imports)].filter((i) => !builtin(i!)).sort()).toEqual([
    '@program-nova/core',
    'cross-spawn',
  ]);
});
