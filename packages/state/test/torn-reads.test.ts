import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { kill, spawnChild } from './proc.js';

const dir = mkdtempSync(join(tmpdir(), 'nova-state-torn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('readers never see a partial snapshot: 10,000 reads while the writer replaces it non-stop', async () => {
  const stateFile = join(dir, 'cascade_state.json');
  // 400 tasks: a snapshot of ~300 KB, so a non-atomic rewrite would be caught half-written.
  const writer = spawnChild('snapshot-writer.mjs', [stateFile, '400']);
  try {
    await writer.waitFor((l) => l === 'ready');
    await writer.waitFor((l) => l.startsWith('snapshots'));
    // Each reader: 5,000 reads at least, and on until it has seen 50 different snapshots.
    const args = [stateFile, '5000', '50', '100000'];
    const readers = [spawnChild('reader.mjs', args), spawnChild('reader.mjs', args)];
    const results = await Promise.all(
      readers.map((r) => r.waitFor((l) => l.startsWith('{')).then((l) => JSON.parse(l))),
    );
    const reads = results.reduce((n, r) => n + r.reads, 0);
    const failures = results.reduce((n, r) => n + r.failures, 0);
    expect(reads).toBeGreaterThanOrEqual(10_000);
    expect(failures, results.map((r) => r.first).join('; ')).toBe(0);
    // Readers must have seen the file change many times, or the test proved nothing.
    for (const r of results) expect(r.distinct, JSON.stringify(results)).toBeGreaterThanOrEqual(50);
  } finally {
    await kill(writer);
  }
});

it('control: the same readers do catch torn reads from a writer that rewrites the file in place', async () => {
  const stateFile = join(dir, 'inplace.json');
  const writer = spawnChild('inplace-writer.mjs', [stateFile, '400']);
  try {
    await writer.waitFor((l) => l === 'ready');
    // Keep reading until it has caught 5 torn reads (or 100,000 reads): one lucky whole read
    // must not end the control early.
    const reader = spawnChild('reader.mjs', [stateFile, '100000', '100000', '100000', '5']);
    const result = JSON.parse(await reader.waitFor((l) => l.startsWith('{')));
    expect(result.failures, JSON.stringify(result)).toBeGreaterThan(0);
    expect(result.first).toMatch(/^STATE_(EMPTY|CORRUPT)/);
  } finally {
    await kill(writer);
  }
});
