import { CascadeError } from '@program-nova/parser';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { createColors } from './colors.js';
import { describeError } from './describe-error.js';

const plain = createColors(false);

describe('describeError', () => {
  it('usage errors point at --help and exit 2', () => {
    expect(describeError(new CliError('E_USAGE', 'bad', { command: 'plan' }), plain, {})).toEqual({
      lines: ['nova: error: bad', "Run 'nova plan --help' for usage."],
      exitCode: 2,
    });
  });

  it('interrupted exits 130, tasks failed exits 1', () => {
    expect(describeError(new CliError('E_INTERRUPTED', 'stopped'), plain, {}).exitCode).toBe(130);
    expect(describeError(new CliError('E_TASKS_FAILED', '2 failed'), plain, {}).exitCode).toBe(1);
  });

  it('an invalid plan lists every diagnostic, then one summary line', () => {
    const error = new CascadeError('E_INVALID_CASCADE', 'x', {
      file: 'CASCADE.md',
      diagnostics: [
        { code: 'E_NO_TASKS', message: 'no tasks found', line: 1, column: 1, file: 'CASCADE.md' },
      ],
      warnings: [
        { code: 'W_NO_PROJECT_NAME', message: 'no name', line: 1, column: 1, file: 'CASCADE.md' },
      ],
    });
    expect(describeError(error, plain, {})).toEqual({
      lines: [
        'CASCADE.md:1:1 error E_NO_TASKS no tasks found',
        'CASCADE.md:1:1 warning W_NO_PROJECT_NAME no name',
        'nova: error: CASCADE.md is not valid (1 problem)',
      ],
      exitCode: 2,
    });
  });

  it('coded errors of other packages are user errors: message, no stack', () => {
    const locked = Object.assign(new Error('state file is locked by pid 42'), {
      code: 'STATE_LOCKED',
    });
    expect(describeError(locked, plain, {})).toEqual({
      lines: ['nova: error: state file is locked by pid 42'],
      exitCode: 2,
    });
  });

  it('anything else is a bug: exit 1, stack only with NOVA_DEBUG=1', () => {
    const bug = new TypeError('x is undefined');
    const quiet = describeError(bug, plain, {});
    expect(quiet.exitCode).toBe(1);
    expect(quiet.lines.join('\n')).not.toContain('at ');
    expect(quiet.lines[1]).toContain('NOVA_DEBUG=1');
    const loud = describeError(bug, plain, { NOVA_DEBUG: '1' });
    expect(loud.lines.join('\n')).toContain('TypeError: x is undefined\n    at ');
  });
});

describe('describeError with hostile text', () => {
  const hostile = '\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202e';
  const shown = '\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202e';

  it('shows control characters of messages visibly, keeping the lines of a message', () => {
    const error = new CliError('E_INVALID_INPUT', `no task A${hostile} in s.json\nsecond line\rx`);
    expect(describeError(error, plain, {}).lines).toEqual([
      `nova: error: no task A${shown} in s.json\nsecond line\\rx`,
    ]);
    const coded = Object.assign(new Error(`bad ${hostile}`), { code: 'STATE_CORRUPT' });
    expect(describeError(coded, plain, {}).lines).toEqual([`nova: error: bad ${shown}`]);
    expect(describeError(new Error(hostile), plain, {}).lines[0]).toBe(`nova: error: ${shown}`);
  });

  it('an invalid plan: the echoed Task ID and the file name are shown, not run', () => {
    const error = new CascadeError('E_INVALID_CASCADE', 'x', {
      file: `p${hostile}.md`,
      diagnostics: [
        {
          code: 'E_INVALID_ID',
          message: `invalid Task ID "B${hostile}"`,
          line: 3,
          column: 3,
          file: `p${hostile}.md`,
        },
      ],
    });
    expect(describeError(error, plain, {}).lines).toEqual([
      `p${shown}.md:3:3 error E_INVALID_ID invalid Task ID "B${shown}"`,
      `nova: error: p${shown}.md is not valid (1 problem)`,
    ]);
  });
});
