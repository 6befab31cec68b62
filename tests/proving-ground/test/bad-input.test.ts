import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FIXTURES, nova, removeDir, stackTraceLines, tempDir } from './helpers.js';

// Every malformed plan and damaged state file must give one clear message and exit 2, never a stack
// trace, and leave every file exactly as it was (no file changed, none added, none removed).

const planDir = join(FIXTURES, 'plans');
const stateDir = join(FIXTURES, 'states');
const plans = readdirSync(planDir).sort();
const states = readdirSync(stateDir).sort();

/** Path -> sha256 of every file under `dir` (recursively), directories included as entries. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const rel = relative(dir, path);
      if (statSync(path).isDirectory()) {
        out[`${rel}/`] = 'dir';
        walk(path);
      } else out[rel] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) removeDir(d);
});

function copyCase(src: string): string {
  const dir = tempDir('nova-pg-bad-');
  dirs.push(dir);
  cpSync(src, dir, { recursive: true });
  return dir;
}

/** One user-facing error: no stack, no error dump, and a last line `nova: error: ...`. */
function expectCleanError(out: { code: number | null; stdout: string; stderr: string }) {
  const all = `${out.stdout}\n${out.stderr}`;
  expect(out.code, all).toBe(2);
  expect(stackTraceLines(all), all).toEqual([]);
  const errors = out.stderr.split('\n').filter((l) => l.startsWith('nova: error:'));
  expect(errors, all).toHaveLength(1);
  return errors[0]!;
}

const WORKER = ['--worker-cmd', 'true'];

test('the corpus is as large as promised', () => {
  expect(plans.length).toBeGreaterThanOrEqual(30);
  expect(states.length).toBeGreaterThanOrEqual(10);
});

describe('malformed plans', () => {
  test.each(plans)(
    '%s: validate and run exit 2 with diagnostics naming the file, nothing written',
    (name) => {
      const dir = copyCase(planDir);
      const before = fingerprint(dir);

      const validate = nova(['validate', name], dir);
      expect(validate.code, validate.stdout + validate.stderr).toBe(2);
      expect(stackTraceLines(validate.stdout + validate.stderr)).toEqual([]);
      // Each problem is a `FILE:line:col error E_CODE message` line.
      expect(validate.stdout + validate.stderr).toMatch(
        new RegExp(`${name.replace(/[.]/g, '\\.')}:\\d+:\\d+ error E_[A-Z_]+ `),
      );

      const run = nova(['run', name, '--state', 'state.json', ...WORKER], dir);
      const message = expectCleanError(run);
      expect(message).toContain(name);

      const plan = nova(['plan', name], dir);
      expectCleanError(plan);

      expect(fingerprint(dir)).toEqual(before);
      expect(existsSync(join(dir, 'state.json'))).toBe(false);
    },
  );

  test('a plan that does not exist', () => {
    const dir = copyCase(planDir);
    const before = fingerprint(dir);
    const run = nova(['run', 'missing.md', '--state', 'state.json', ...WORKER], dir);
    expect(expectCleanError(run)).toContain('missing.md');
    expect(fingerprint(dir)).toEqual(before);
  });

  test('a directory given as the plan', () => {
    const dir = copyCase(planDir);
    const before = fingerprint(dir);
    const run = nova(['run', '.', '--state', 'state.json', ...WORKER], dir);
    expectCleanError(run);
    expect(fingerprint(dir)).toEqual(before);
  });
});

describe('damaged state files', () => {
  test.each(states)(
    '%s: run and retry exit 2 with one message naming the file, nothing changed',
    (name) => {
      const dir = copyCase(join(stateDir, name));
      const before = fingerprint(dir);

      const run = nova(['run', 'CASCADE.md', '--state', 'state.json', ...WORKER], dir);
      expect(expectCleanError(run)).toMatch(/state\.json/);

      const retry = nova(
        ['retry', '--failed', '--state', 'state.json', '--plan', 'CASCADE.md'],
        dir,
      );
      expect(expectCleanError(retry)).toMatch(/state\.json/);

      // A reader never writes either; a damaged snapshot is an error for it too (the journal and the
      // lock are the writer's business, so a reader may still show the snapshot then).
      const status = nova(['status', '--state', 'state.json'], dir);
      expect(stackTraceLines(status.stdout + status.stderr)).toEqual([]);
      const snapshotDamaged =
        !existsSync(join(dir, 'state.json.journal')) && !existsSync(join(dir, 'state.json.lock'));
      if (snapshotDamaged) expectCleanError(status);
      else expect(status.code).toBe(0);

      expect(fingerprint(dir)).toEqual(before);
    },
  );
});
