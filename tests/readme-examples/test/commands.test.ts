import { describe, expect, it } from 'vitest';
import { parseCommands } from './commands.js';

describe('parseCommands', () => {
  it('splits lines into argv like the worker templates, with && and comments', () => {
    const code = [
      'nova init && nova validate my-plan/CASCADE.md',
      '',
      '# a comment line',
      "nova run --worker-cmd 'my-agent --task {id} # not a comment'   # a comment",
      'SIM_FAIL_TASKS=F2 nova run --agent simulated',
      'nova run \\',
      '  -j 2',
    ].join('\n');
    expect(parseCommands(code, 'sh')).toEqual([
      { line: 1, argv: ['nova', 'init'], env: {} },
      { line: 1, argv: ['nova', 'validate', 'my-plan/CASCADE.md'], env: {} },
      {
        line: 4,
        argv: ['nova', 'run', '--worker-cmd', 'my-agent --task {id} # not a comment'],
        env: {},
      },
      { line: 5, argv: ['nova', 'run', '--agent', 'simulated'], env: { SIM_FAIL_TASKS: 'F2' } },
      { line: 6, argv: ['nova', 'run', '-j', '2'], env: {} },
    ]);
  });

  it('runs only the prompt lines of a console block', () => {
    expect(parseCommands('$ nova init\nWrote CASCADE.md\n$ nova validate', 'console')).toEqual([
      { line: 1, argv: ['nova', 'init'], env: {} },
      { line: 3, argv: ['nova', 'validate'], env: {} },
    ]);
  });

  it('refuses shell syntax outside quotes, naming the line', () => {
    for (const [line, char] of [
      ['echo hi | nova validate', '|'],
      ['nova plan --mermaid > plan.mmd', '>'],
      ['nova status; nova plan', ';'],
      ['alias nova="node $PWD/bin.js"', '$'],
      ['nova run &', '&'],
    ] as const) {
      expect(() => parseCommands(`nova init\n${line}`, 'sh')).toThrow(
        `line 2: '${char}' is shell syntax; this block cannot run without a shell`,
      );
    }
    expect(parseCommands("nova run --worker-cmd 'a | b > c; $d'", 'sh')[0]!.argv[3]).toBe(
      'a | b > c; $d',
    );
    expect(() => parseCommands('nova init &&', 'sh')).toThrow(
      "line 1: '&&' needs a command on each side",
    );
  });
});
