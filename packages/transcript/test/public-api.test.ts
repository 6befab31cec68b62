/** Pins the runtime surface of the built entry: adding or removing an export is a visible change. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('@program-nova/transcript', async () => {
  const mod = await import('../dist/index.js');
  expect(Object.keys(mod).sort()).toEqual([
    'TranscriptError',
    'createTranscriptParser',
    'parseTranscript',
  ]);
});

it('is browser-safe: imports nothing but @program-nova/core, and no Node built-in', () => {
  const code = readFileSync(join(import.meta.dirname, '..', 'dist', 'index.js'), 'utf8');
  const imports = [...code.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  expect(imports).toEqual(['@program-nova/core']);
  expect(code).not.toMatch(/\brequire\(|node:/);
});
