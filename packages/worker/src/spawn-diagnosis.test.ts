import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseSpawnError, isDirectory, missingWorkingDirectory } from './spawn-diagnosis.js';

let dir: string;
let bin: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nova-diagnosis-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  // On PATH and executable, but its interpreter does not exist: spawn says ENOENT all the same.
  writeFileSync(join(bin, 'agent-bad-shebang'), '#!/nova/no/such/interpreter\n', { mode: 0o755 });
  // On PATH but not executable: not a match for a PATH search.
  writeFileSync(join(bin, 'agent-not-executable'), 'echo\n', { mode: 0o644 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const enoent = () => Object.assign(new Error('spawn x ENOENT'), { code: 'ENOENT' });

describe('diagnoseSpawnError', () => {
  it.each<[string, string, string | undefined, string]>([
    [
      'a command on the child PATH whose interpreter is missing',
      'agent-bad-shebang',
      'PATH',
      'cannot run "agent-bad-shebang" (BIN/agent-bad-shebang): its interpreter (the #! line) was not found.',
    ],
    [
      'a command not on the child PATH',
      'agent-nowhere',
      'PATH',
      'command "agent-nowhere" not found: it is not on PATH. Install it, or set the worker command to its full path.',
    ],
    [
      'a file on PATH that is not executable does not count',
      'agent-not-executable',
      'PATH',
      'command "agent-not-executable" not found: it is not on PATH.',
    ],
    [
      'no PATH at all: nothing is searched (not even this process PATH)',
      'node',
      undefined,
      'command "node" not found: it is not on PATH.',
    ],
    [
      'a path that does not exist',
      './missing/agent',
      'PATH',
      'command "./missing/agent" not found: no such file.',
    ],
    [
      'a path that exists: its interpreter is missing',
      'BIN/agent-bad-shebang',
      'PATH',
      'cannot run "BIN/agent-bad-shebang": the file exists but its interpreter (the #! line) was not found.',
    ],
  ])('ENOENT: %s', (_, command, pathEnv, expected) => {
    const fill = (s: string) => s.replaceAll('BIN', bin);
    const path = pathEnv === undefined ? undefined : `/nova/nowhere${delimiter}${bin}`;
    const e = diagnoseSpawnError('T1', fill(command), enoent(), path);
    expect(e).toMatchObject({ code: 'COMMAND_NOT_FOUND', retryable: false });
    expect(e.message).toContain(`Task T1: ${fill(expected)}`);
    expect(e.cause).toBeInstanceOf(Error);
  });

  it.each<[string, NodeJS.ErrnoException, string]>([
    [
      'EACCES',
      Object.assign(new Error('spawn EACCES'), { code: 'EACCES' }),
      'Task T1: cannot run "agent": permission denied (is it an executable file? try chmod +x).',
    ],
    [
      'a NUL byte',
      Object.assign(new TypeError('The argument contains null bytes'), {
        code: 'ERR_INVALID_ARG_VALUE',
      }),
      'Task T1: cannot start "agent": The argument contains null bytes (a NUL character cannot be passed in a command argument or environment variable).',
    ],
    [
      'anything else',
      Object.assign(new Error('spawn E2BIG'), { code: 'E2BIG' }),
      'Task T1: could not start "agent": spawn E2BIG.',
    ],
  ])('SPAWN_FAILED: %s', (_, error, expected) => {
    const e = diagnoseSpawnError('T1', 'agent', error, process.env.PATH);
    expect(e).toMatchObject({ code: 'SPAWN_FAILED', kind: 'spawn_error', message: expected });
  });
});

describe('the working directory', () => {
  it('is checked to be a folder', () => {
    expect(isDirectory(dir)).toBe(true);
    expect(isDirectory(join(bin, 'agent-bad-shebang'))).toBe(false);
    expect(isDirectory(join(dir, 'nope'))).toBe(false);
    expect(missingWorkingDirectory('T1', '/x').message).toBe(
      'Task T1: the working directory /x does not exist or is not a folder.',
    );
  });
});
