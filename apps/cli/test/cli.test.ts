import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, nova, tempDir } from './helpers.js';

const t = tempDir();
afterAll(() => t.cleanup());
t.write(
  'CASCADE.md',
  '# P\n## L1: A\n### L2: G\n| Task ID | Depends On |\n|---|---|\n| X1 | - |\n',
);
const { version } = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'),
);

describe('nova', { timeout: 120_000 }, () => {
  it('--version prints the package version', () => {
    for (const flag of ['--version', '-V']) {
      const r = nova([flag], t.dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
  });

  it('--help lists every command, exit 0', () => {
    const r = nova(['--help'], t.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^nova .* - run a CASCADE\.md plan/);
    // other commands join the list over time; these two must be there
    expect(r.stdout).toMatch(/\n {2}validate +check a CASCADE\.md plan/);
    expect(r.stdout).toMatch(/\n {2}plan +show a plan/);
    expect(nova(['help'], t.dir).stdout).toBe(r.stdout);
  });

  it('no command prints the help on stderr and exits 2', () => {
    const r = nova([], t.dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Commands');
  });

  it('each command has --help with usage, options and an example', () => {
    for (const name of ['validate', 'plan']) {
      const r = nova([name, '--help'], t.dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`nova ${name} [CASCADE.md]`);
      expect(r.stdout).toContain('--json');
      expect(r.stdout).toContain('Examples');
      expect(nova(['help', name], t.dir).stdout).toBe(r.stdout);
    }
  });

  it('an unknown command suggests the close one, exit 2', () => {
    const r = nova(['plna'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^nova: error: unknown command 'plna'; did you mean 'plan'\? \(commands: [a-z, ]*\bvalidate\b[a-z, ]*\)\nRun 'nova --help' for usage\.\n$/,
    );
  });

  it('unknown options and extra arguments are usage errors, exit 2', () => {
    const unknown = nova(['validate', '--jsno'], t.dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      "nova: error: unknown option --jsno\nRun 'nova validate --help' for usage.\n",
    );
    const extra = nova(['plan', 'a.md', 'b.md'], t.dir);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toBe(
      "nova: error: unexpected argument: b.md\nRun 'nova plan --help' for usage.\n",
    );
    const value = nova(['plan', '--json=yes'], t.dir);
    expect(value.code).toBe(2);
    expect(value.stderr).toContain('--json does not take a value');
  });

  it('no colour when output is not a TTY, and NO_COLOR wins over FORCE_COLOR', () => {
    expect(nova(['validate'], t.dir, { NO_COLOR: '' }).stdout).not.toContain('\u001b[');
    expect(nova(['validate'], t.dir, { NO_COLOR: '1', FORCE_COLOR: '1' }).stdout).not.toContain(
      '\u001b[',
    );
    expect(nova(['validate'], t.dir, { NO_COLOR: '', FORCE_COLOR: '1' }).stdout).toContain(
      '\u001b[32mvalid',
    );
  });

  it('a closed stdout pipe ends quietly', () => {
    // Simulate `nova plan --json | head -c 1` on a large plan: the reader goes away early.
    const rows = Array.from(
      { length: 3000 },
      (_, i) => `| T${i} | ${i ? `T${i - 1}` : '-'} |`,
    ).join('\n');
    t.write('big.md', `# Big\n## L1: A\n### L2: G\n| Task ID | Depends On |\n|---|---|\n${rows}\n`);
    const r = spawnSync(
      'sh',
      ['-c', `"${process.execPath}" "${BIN}" plan big.md --json | head -c 1`],
      {
        cwd: t.dir,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.stdout).toBe('{');
    expect(r.stderr).toBe('');
  });
});
