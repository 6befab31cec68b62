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

/** The child's output as the log holds it: the footer starts a line of its own. */
const logged = (s: string) => (s === '' || s.endsWith('\n') ? s : `${s}\n`);

function echoed(logPath: string): { argv: string[]; stdin: string } {
  const line = readFileSync(logPath, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('ECHO '));
  if (!line) throw new Error(`no ECHO line in ${logPath}`);
  return JSON.parse(line.slice(5));
}

/** The child's raw output in a log: after the 3 header lines, before the footer. */
function childBytes(logPath: string): Buffer {
  const log = readFileSync(logPath);
  let start = 0;
  for (let i = 0; i < 3; i++) start = log.indexOf(0x0a, start) + 1;
  const end = log.lastIndexOf(Buffer.from('# nova: succeeded'));
  if (start === 0 || end < start) throw new Error(`unexpected log layout in ${logPath}`);
  return log.subarray(start, end);
}

describe('task text through argv and stdin', () => {
  // Tiny children keep 1,000 cases fast on a loaded machine: `printf '%s\0' ARGS...` prints each
  // argument it received followed by a NUL, and `cat` prints the stdin it received.
  it('1,000 generated strings reach the child byte for byte and never run', async () => {
    let strings = 0;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(...Array.from({ length: 5 }, () => textArbitrary(() => sentinel))),
        async ([name, description, branch, group, project]) => {
          run += 1;
          const options = {
            task: task(`P${run}`, { name, description, branch, group }),
            project,
            cwd: dir,
            logsDir: join(dir, 'logs'),
          };
          const viaArgv = startWorker({
            ...options,
            command: [
              'printf',
              '%s\\0',
              '{name}',
              '{description}',
              '{branch}',
              '{group}',
              '{project}',
              '--x={name}|{id}',
              '{nope}',
            ],
            stdin: null,
          });
          const viaStdin = startWorker({
            ...options,
            task: task(`Q${run}`, { name, description, branch, group }),
            command: ['cat'],
            stdin: '{name}\u0000{description}\u0000{branch}\u0000{group}\u0000{project}',
          });
          const [a, b] = await Promise.all([viaArgv.done, viaStdin.done]);
          expect(a.ok && b.ok).toBe(true);
          const args = [name, description, branch, group, project, `--x=${name}|P${run}`, '{nope}'];
          expect(childBytes(viaArgv.logPath).toString('hex')).toBe(
            hex(logged(args.map((x) => `${x}\0`).join(''))),
          );
          expect(childBytes(viaStdin.logPath).toString('hex')).toBe(
            hex(logged([name, description, branch, group, project].join('\0'))),
          );
          expect(readdirSync(sentinel)).toEqual([]);
          strings += 5;
        },
      ),
      { numRuns: 200 },
    );
    expect(strings).toBeGreaterThanOrEqual(1000);
    expect(readdirSync(sentinel)).toEqual([]);
  }, 180_000);

  it('through a node child too: argv and stdin arrive intact', async () => {
    const echo = join(FIXTURES, 'echo-input.mjs');
    const samples = fc.sample(
      fc.tuple(
        textArbitrary(() => sentinel),
        textArbitrary(() => sentinel),
      ),
      { numRuns: 10, seed: 42 },
    );
    for (const [i, [name, description]] of samples.entries()) {
      const w = startWorker({
        task: task(`N${i}`, { name, description }),
        project: 'P',
        cwd: dir,
        logsDir: join(dir, 'logs'),
        command: [NODE, echo, '{name}', '{description}'],
        stdin: '{description}\u0000{name}',
      });
      expect((await w.done).ok).toBe(true);
      const got = echoed(w.logPath);
      expect(got.argv).toEqual([name, description].map(hex));
      expect(got.stdin).toBe(hex(`${description}\u0000${name}`));
    }
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
