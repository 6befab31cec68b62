/**
 * Every publishable package as a user gets it: publint and arethetypeswrong pass over it, and its
 * packed tarball, installed into an empty folder with only what it declares (npm fetches its
 * third-party dependencies; the workspace packages it needs come as their own tarballs), works:
 * the library runs, and TypeScript accepts a typed use of it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closure, publishablePackages, ROOT } from './packages.js';
import { PLAN, RUN, TYPED } from './smoke.js';

const all = publishablePackages();
const work = mkdtempSync(join(tmpdir(), 'nova-packed-'));
const tarballs = new Map<string, string>();
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(() => {
  const out = join(work, 'tarballs');
  mkdirSync(out);
  for (const p of all) {
    const before = new Set(readdirSync(out));
    execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: p.dir, stdio: 'ignore' });
    const made = readdirSync(out).find((f) => !before.has(f));
    if (!made) throw new Error(`pnpm pack made no tarball for ${p.name}`);
    tarballs.set(p.name, join(out, made));
  }
});

it('finds the publishable packages', () => {
  expect(all.map((p) => p.name)).toEqual(
    expect.arrayContaining([
      '@program-nova/cli',
      '@program-nova/core',
      '@program-nova/notify',
      '@program-nova/orchestrator',
      '@program-nova/parser',
      '@program-nova/state',
      '@program-nova/worker',
    ]),
  );
});

describe.each(all.map((p) => [p.name, p] as const))('%s', (_name, pkg) => {
  it('publint: no errors, warnings or suggestions', async () => {
    const { messages, pkg: manifest } = await publint({
      pkgDir: pkg.dir,
      level: 'suggestion',
      strict: true,
    });
    expect(messages.map((m) => formatMessage(m, manifest))).toEqual([]);
  });

  it.runIf(pkg.library)('arethetypeswrong (ESM-only profile): no problems', () => {
    const r = spawnSync(
      join(import.meta.dirname, '..', 'node_modules', '.bin', 'attw'),
      [tarballs.get(pkg.name)!, '--profile', 'esm-only', '--no-color'],
      { encoding: 'utf8' },
    );
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  });

  it.runIf(RUN[pkg.name] !== undefined)(
    'installed alone from its tarball: it runs, and its types check',
    () => {
      const dir = join(work, pkg.name.replace('/', '+'));
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'package.json'),
        '{ "name": "scratch", "private": true, "type": "module" }',
      );
      const needed = closure(pkg.name, all).map((p) => tarballs.get(p.name)!);
      const install = spawnSync(
        'npm',
        ['install', '--no-audit', '--no-fund', '--prefer-offline', '@types/node@20', ...needed],
        { cwd: dir, encoding: 'utf8' },
      );
      expect(install.status, install.stderr).toBe(0);

      writeFileSync(
        join(dir, 'use.mjs'),
        RUN[pkg.name]!.replaceAll('"PLAN"', JSON.stringify(PLAN)),
      );
      const run = spawnSync(process.execPath, ['use.mjs'], { cwd: dir, encoding: 'utf8' });
      expect(`${run.stdout}${run.stderr}`.trim()).toBe('ok');

      writeFileSync(join(dir, 'use.ts'), TYPED[pkg.name]!);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'node16',
            moduleResolution: 'node16',
            target: 'es2022',
            strict: true,
            noEmit: true,
            types: ['node'],
          },
          files: ['use.ts'],
        }),
      );
      const tsc = spawnSync(
        process.execPath,
        [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir],
        {
          encoding: 'utf8',
        },
      );
      expect(tsc.stdout + tsc.stderr, 'tsc').toBe('');
      expect(tsc.status).toBe(0);
    },
  );
});
