/**
 * Fixture pairs: every `fixtures/x.md` is parsed (as `CASCADE.md`) and compared with `fixtures/x.json`,
 * which holds either the plan with its graph answers or the error with every diagnostic.
 * `UPDATE_FIXTURES=1 pnpm exec vitest run test/fixtures.test.ts` writes missing/changed JSON files
 * (review the diff before committing them).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CascadeError } from '../src/errors.js';
import type { Strategy } from '../src/markdown-blocks.js';
import { parseWith } from '../src/parse.js';

const dir = join(import.meta.dirname, 'fixtures');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.slice(0, -3))
  .sort();

function outcome(source: string, strategy: Strategy): unknown {
  try {
    const cascade = parseWith(source, { filename: 'CASCADE.md' }, strategy);
    return {
      ...JSON.parse(JSON.stringify(cascade)),
      topologicalOrder: cascade.topologicalOrder(),
      waves: cascade.waves(),
      criticalPath: cascade.criticalPath(),
    };
  } catch (error) {
    if (!(error instanceof CascadeError)) throw error;
    return {
      error: { code: error.code, diagnostics: error.diagnostics, warnings: error.warnings ?? [] },
    };
  }
}

describe('fixtures', { timeout: 120_000 }, () => {
  it('has a fixture for every variation and every error code', () => {
    expect(names.length).toBeGreaterThanOrEqual(30);
    const codes = new Set<string>();
    for (const name of names) {
      const expected = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
      for (const d of expected.error?.diagnostics ?? []) codes.add(d.code);
      for (const w of [...(expected.warnings ?? []), ...(expected.error?.warnings ?? [])]) {
        codes.add(w.code);
      }
    }
    expect([...codes].sort()).toEqual([
      'E_CYCLE',
      'E_DUPLICATE_ID',
      'E_INVALID_FIELD',
      'E_INVALID_ID',
      'E_MISSING_COLUMN',
      'E_NO_TASKS',
      'E_SELF_DEPENDENCY',
      'E_TABLE_OUTSIDE_GROUP',
      'E_UNKNOWN_DEPENDENCY',
      'W_IGNORED_CONTENT',
      'W_NO_PROJECT_NAME',
    ]);
  });

  for (const name of names) {
    it(name, () => {
      const source = readFileSync(join(dir, `${name}.md`), 'utf8');
      const actual = outcome(source, 'fast');
      const jsonPath = join(dir, `${name}.json`);
      if (process.env.UPDATE_FIXTURES === '1') {
        writeFileSync(jsonPath, `${JSON.stringify(actual, null, 2)}\n`);
      }
      expect(actual).toEqual(JSON.parse(readFileSync(jsonPath, 'utf8')));
      // The fast path and a plain whole-file mdast + GFM-table parse must agree exactly.
      expect(outcome(source, 'whole')).toEqual(actual);
    });
  }
});
