import { describe, expect, it } from 'vitest';
import { parseMarker, readBlocks } from './blocks.js';

const fence = '```';

describe('parseMarker', () => {
  it('reads run (with a fixture), typecheck and skip with its reason', () => {
    expect(parseMarker('run')).toEqual({ kind: 'run', fixture: 'empty' });
    expect(parseMarker('run, fixture: init')).toEqual({ kind: 'run', fixture: 'init' });
    expect(parseMarker('typecheck')).toEqual({ kind: 'typecheck' });
    expect(parseMarker('skip: needs Claude Code')).toEqual({
      kind: 'skip',
      reason: 'needs Claude Code',
    });
  });

  it('refuses a skip without a reason, an unknown fixture and an unknown word', () => {
    expect(parseMarker('skip:')).toMatch(/needs a reason/);
    expect(parseMarker('run, fixture: git')).toMatch(
      /unknown fixture 'git' \(known: empty, init, run\)/,
    );
    expect(parseMarker('runs')).toMatch(/unknown marker 'example: runs'/);
  });
});

describe('readBlocks', () => {
  it('gives each block the marker just above it (blank lines and a multi-line comment allowed)', () => {
    const text = [
      '# Title',
      '<!-- example: run -->',
      `${fence}ts`,
      "console.log('a');",
      fence,
      '<!--',
      '  example: skip: a reason',
      '  on two lines -->',
      '',
      `${fence}sh`,
      'nova init',
      fence,
      '',
      `${fence}json`,
      '{}',
      fence,
    ].join('\n');
    const { blocks, problems } = readBlocks(text);
    expect(problems).toEqual([]);
    expect(blocks).toEqual([
      {
        line: 3,
        info: 'ts',
        language: 'ts',
        code: "console.log('a');",
        marker: { kind: 'run', fixture: 'empty' },
      },
      {
        line: 10,
        info: 'sh',
        language: 'sh',
        code: 'nova init',
        marker: { kind: 'skip', reason: 'a reason on two lines' },
      },
      { line: 14, info: 'json', language: null, code: '{}', marker: null },
    ]);
  });

  it('names the line of every unmarked block of a checked language, in any spelling', () => {
    const text = [
      `${fence}typescript`,
      'x',
      fence,
      '',
      `${fence}bash`,
      'y',
      fence,
      `${fence}console`,
      '$ z',
      fence,
    ].join('\n');
    expect(readBlocks(text).problems.map((p) => p.line)).toEqual([1, 5, 8]);
  });

  it('does not let prose between a marker and a block carry the marker over', () => {
    const text = ['<!-- example: run -->', 'Some prose.', `${fence}js`, '1;', fence].join('\n');
    expect(readBlocks(text).problems).toEqual([
      { line: 1, message: 'an example marker with no code block after it' },
      { line: 3, message: expect.stringMatching(/^a ```js block without a marker/) },
    ]);
  });

  it('names a marker left with no block: at the end of the file, or followed by another comment', () => {
    const text = [
      '<!-- example: run -->',
      '<!-- a note -->',
      `${fence}json`,
      '{}',
      fence,
      '<!-- example: typecheck -->',
    ];
    expect(readBlocks(text.join('\n')).problems).toEqual([
      { line: 1, message: 'an example marker with no code block after it' },
      { line: 6, message: 'an example marker with no code block after it' },
    ]);
  });

  it('refuses what a block cannot honour: typecheck on js, run on a block without language', () => {
    const text = [
      '<!-- example: typecheck -->',
      `${fence}js`,
      '1;',
      fence,
      '<!-- example: run -->',
      fence,
      'x',
      fence,
    ].join('\n');
    expect(readBlocks(text).problems).toEqual([
      { line: 2, message: 'only a ts block can be type-checked, not js' },
      {
        line: 6,
        message: 'a ```(no language) block cannot be checked: mark it skip, or give it a language',
      },
    ]);
  });

  it('reads a block indented in a list, and a longer fence holding a shorter one', () => {
    const text = [
      '- item',
      '  <!-- example: run -->',
      `  ${fence}sh`,
      '  nova init',
      `  ${fence}`,
      `${fence}${fence[0]}markdown`,
      fence,
      `${fence}${fence[0]}`,
    ].join('\n');
    const { blocks, problems } = readBlocks(text);
    expect(problems).toEqual([]);
    expect(blocks.map((b) => [b.line, b.info, b.code])).toEqual([
      [3, 'sh', 'nova init'],
      [6, 'markdown', fence],
    ]);
  });
});
