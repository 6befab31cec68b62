import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPrompt } from '../src/prompt.js';
import { startWorker } from '../src/start-worker.js';
import { FIXTURES, NODE, task, tempDir } from './helpers.js';

// Task text is data, never code: whatever it contains reaches the child byte for byte, through argv
// and stdin, and nothing in it is ever run. A shell anywhere on the path would create a file in
// `sentinel` (the strings below try `$(...)`, backticks, `;`, `&&`, `|`, `>` and more).

let dir: string;
let cleanup: () => void;
let sentinel: string;
beforeAll(() => {
  ({ dir, cleanup } = tempDir('nova-argv-'));
  sentinel = join(dir, 'sentinel');
  mkdirSync(sentinel);
});
afterAll(() => cleanup());

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textArbitrary(target: () => string) {
  const nasty = fc.constantFrom(
    () => `$(touch ${target()}/a)`,
    () => `\`touch ${target()}/b\``,
    () => `; touch ${target()}/c`,
    () => `&& touch ${target()}/d`,
    () => `| tee ${target()}/e`,
    () => `> ${target()}/f`,
    () => `'; touch ${target()}/g; echo '`,
    () => `"; touch ${target()}/h; echo "`,
    () => '-rf',
    () => '--help',
    () => '-',
    () => '--model=evil',
    () => '{prompt}',
    () => '{id}',
    () => '{unknown}',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax on purpose
    () => '$HOME ${PATH} %PATH%',
    () => '* ? ~ [a-z]',
    () => '\\',
    () => '\n',
    () => '\r\n',
    () => '\t',
    () => ' ',
    () => 'é 日本語 🚀 👩‍👩‍👧 \u200b \u202e',
  );
  const piece = fc.oneof(
    nasty.map((f) => f()),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
  );
  // A NUL cannot be passed in an argv element by any OS (checked separately: a typed SPAWN_FAILED);
  // lone surrogates have no UTF-8 form, so "byte for byte" has no meaning for them.
  return fc
    .array(piece, { maxLength: 6 })
    .map((parts) => parts.join(''))
    .filter((s) => !s.includes('\0') && !LONE_SURROGATE.test(s));
}

const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

function echoed(logPath: string): { argv: string[]; stdin: string } {
  const line = readFileSync(logPath, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('ECHO '));
  if (!line) throw new Error(`no ECHO line in ${logPath}`);
  return JSON.parse(line.slice(5));
}

describe('task text through argv and stdin', () => {
  it('1,000 generated strings reach the child byte for byte and never run', async () => {
    const echo = join(FIXTURES, 'echo-input.mjs');
    let strings = 0;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(...Array.from({ length: 5 }, () => textArbitrary(() => sentinel))),
        async ([name, description, branch, group, project]) => {
          run += 1;
          const w = startWorker({
            task: task(`P${run}`, { name, description, branch, group }),
            project,
            cwd: dir,
            logsDir: join(dir, 'logs'),
            command: [
              NODE,
              echo,
              '{name}',
              '{description}',
              '{branch}',
              '{group}',
              '{project}',
              '--x={name}|{id}',
              '{nope}',
            ],
            stdin: '{description}\u0000{name}',
          });
          const r = await w.done;
          expect(r.ok).toBe(true);
          const got = echoed(w.logPath);
          expect(got.argv).toEqual(
            [name, description, branch, group, project, `--x=${name}|P${run}`, '{nope}'].map(hex),
          );
          expect(got.stdin).toBe(hex(`${description}\u0000${name}`));
          expect(readdirSync(sentinel)).toEqual([]);
          strings += 5;
        },
      ),
      { numRuns: 200 },
    );
    expect(strings).toBeGreaterThanOrEqual(1000);
    expect(readdirSync(sentinel)).toEqual([]);
  });

  it('the default stdin is the built prompt, byte for byte, NUL and all', async () => {
    const echo = join(FIXTURES, 'echo-input.mjs');
    const t = task('PROMPT', {
      name: 'N $(touch x)',
      description: `line1\nline2 \`id\` \u0000 🚀 ${sentinel}`,
    });
    const w = startWorker({
      task: t,
      project: 'P; rm -rf /',
      cwd: dir,
      logsDir: join(dir, 'logs'),
      command: [NODE, echo],
    });
    expect((await w.done).ok).toBe(true);
    expect(echoed(w.logPath).stdin).toBe(hex(buildPrompt({ project: 'P; rm -rf /', task: t })));
    expect(readdirSync(sentinel)).toEqual([]);
  });
});
