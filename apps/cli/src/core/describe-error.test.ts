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
