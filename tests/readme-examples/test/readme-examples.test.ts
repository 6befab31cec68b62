/**
 * The docs run as written. Every ts, js, sh and console block of the READMEs and docs/ carries a
 * marker on the line before it, and is checked as it says:
 *
 * - `<!-- example: run -->` (optionally `run, fixture: init|run`, see sandbox.ts): a ts/js block is
 *   type-checked, then run by node as a module in a fresh folder; a sh/console block's commands
 *   are run there one by one, without a shell (see commands.ts). Any failure fails the test.
 * - `<!-- example: typecheck -->` (ts only): type-checked against the built packages, not run (it
 *   needs what a test cannot have, such as a real Claude agent).
 * - `<!-- example: skip: <reason> -->`: left alone, with the reason for a reader.
 *
 * A block without a marker fails the test with its file and line, so new docs cannot drift.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Block, readBlocks } from './blocks.js';
import { parseCommands } from './commands.js';
import { describeFailure, exampleEnv, REPO, runCommand, sandbox } from './sandbox.js';
import { type Source, toModule, typecheck } from './typecheck.js';

/** The markdown files whose examples are checked, relative to the repository. */
function docFiles(): string[] {
  const list = (dir: string) => {
    try {
      return readdirSync(join(REPO, dir), { withFileTypes: true });
    } catch {
      return [];
    }
  };
  const files = ['README.md', 'bench/README.md'];
  for (const group of ['packages', 'apps']) {
    for (const e of list(group)) if (e.isDirectory()) files.push(`${group}/${e.name}/README.md`);
  }
  const walk = (dir: string) => {
    for (const e of list(dir)) {
      if (e.isDirectory() && e.name !== 'node_modules' && e.name !== 'dist')
        walk(`${dir}/${e.name}`);
      else if (e.name === 'README.md') files.push(`${dir}/${e.name}`);
    }
  };
  walk('examples');
  for (const e of list('docs'))
    if (e.isFile() && e.name.endsWith('.md')) files.push(`docs/${e.name}`);
  return files.filter((f) => existsSync(join(REPO, f)));
}

interface Example extends Block {
  file: string;
}

const files = docFiles();
const problems: string[] = [];
const examples: Example[] = [];
for (const file of files) {
  const read = readBlocks(readFileSync(join(REPO, file), 'utf8'));
  for (const p of read.problems) problems.push(`${file}:${p.line}: ${p.message}`);
  for (const b of read.blocks) if (b.language !== null) examples.push({ ...b, file });
}
const where = (e: Example) => `${e.file}:${e.line}`;
const checked = examples.filter((e) => e.marker?.kind === 'run' || e.marker?.kind === 'typecheck');
const runs = examples.filter((e) => e.marker?.kind === 'run');

const env = exampleEnv();
const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});
function folder(fixture: Parameters<typeof sandbox>[0]): string {
  const dir = sandbox(fixture, env);
  folders.push(dir);
  return dir;
}

it('reads the root README, the package, app and example READMEs, bench/ and docs/', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'README.md',
      'bench/README.md',
      'docs/architecture.md',
      'packages/orchestrator/README.md',
      'apps/cli/README.md',
      'examples/agents/simulated-agent/README.md',
    ]),
  );
  // The runs below are the point: a docs change that marks everything skip shows up here.
  expect(runs.length).toBeGreaterThanOrEqual(8);
});

it('every ts, js, sh and console block carries a readable example marker', () => {
  expect(problems).toEqual([]);
});

it('the ts and js examples type-check against the built packages', () => {
  const sources: Source[] = checked
    .filter((e) => e.language === 'ts' || e.language === 'js')
    .map((e) => ({
      file: e.file,
      line: e.line + 1,
      language: e.language as 'ts' | 'js',
      code: e.code,
    }));
  expect(typecheck(folder('empty'), sources)).toEqual([]);
});

describe.each(runs.map((e) => [where(e), e] as const))('%s runs as written', (_, example) => {
  it(`(${example.info}, fixture ${example.marker?.kind === 'run' ? example.marker.fixture : ''})`, () => {
    if (example.marker?.kind !== 'run') throw new Error('not a run example');
    const dir = folder(example.marker.fixture);
    if (example.language === 'ts' || example.language === 'js') {
      const module = join(dir, 'example.mjs');
      writeFileSync(module, example.language === 'ts' ? toModule(example.code) : example.code);
      const r = runCommand(['node', module], dir, env);
      if (r.status !== 0) throw new Error(`${where(example)}: ${describeFailure(r)}`);
      return;
    }
    let commands: ReturnType<typeof parseCommands>;
    try {
      commands = parseCommands(example.code, example.language === 'console' ? 'console' : 'sh');
    } catch (error) {
      throw new Error(`${where(example)}: ${(error as Error).message}`);
    }
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) {
      const r = runCommand(c.argv, dir, { ...env, ...c.env });
      if (r.status !== 0) {
        throw new Error(`${example.file}:${example.line + c.line}: ${describeFailure(r)}`);
      }
    }
  });
});
