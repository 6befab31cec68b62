// A disk that fills up under a running attempt, made real without root: `prlimit --fsize=N` caps
// the size of any file the attempt's process writes, and the kernel refuses writes past it (EFBIG)
// as a full disk would (ENOSPC). The attempt runs in a child process with that limit, through the
// built package (test/fixtures/run-one-worker.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes } from '@program-nova/core';
import { findExecutable } from '@program-nova/core/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StartWorkerOptions } from '../src/types.js';
import { baseOptions, FIXTURES, logUnavailable, NODE, nodeEval, tempDir } from './helpers.js';

const PRLIMIT = findExecutable('prlimit', process.env.PATH, process.cwd());
const RUNNER = join(FIXTURES, 'run-one-worker.mjs');

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

interface Reported {
  ok: boolean;
  logPath: string;
  resultText: string | null;
  logIncomplete: string | null;
  error?: Record<string, unknown> & { code: string; message: string };
}

/** Runs one attempt whose process may write no file larger than `maxFileBytes`. */
function withFileSizeLimit(maxFileBytes: number, options: StartWorkerOptions): Reported {
  const r = spawnSync(
    PRLIMIT as string,
    [`--fsize=${maxFileBytes}`, NODE, RUNNER, JSON.stringify(options)],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`the runner failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Reported;
}

/** A child that prints `lines` lines of 100 bytes, then exits with `code`. */
const printLines = (lines: number, code = 0) =>
  nodeEval(
    `const l = 'x'.repeat(99) + '\\n'; for (let i = 0; i < ${lines}; i++) process.stdout.write(l); process.exitCode = ${code}`,
  );

describe.runIf(PRLIMIT !== null)('a log the disk cannot hold', () => {
  it('mid-run: exit 0 is still a success, and the result says where the log was cut and why', () => {
    const r = withFileSizeLimit(150_000, baseOptions(dir, { command: printLines(3000) }));
    expect(r.ok).toBe(true);
    expect(statSync(r.logPath).size).toBe(150_000);
    expect(r.logIncomplete).toBe(
      `the log was cut at ${formatBytes(150_000)}: EFBIG (file too large)`,
    );
  });

  it('mid-run, on a failure too, and its message says the log is incomplete', () => {
    const r = withFileSizeLimit(150_000, baseOptions(dir, { command: printLines(3000, 4) }));
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('EXIT_CODE');
    expect(r.logIncomplete).toBe('the log was cut at 146.5 KiB: EFBIG (file too large)');
    expect(r.error?.message).toContain(
      `(the log ${r.logPath} is incomplete: the log was cut at 146.5 KiB: EFBIG (file too large))`,
    );
  });

  it('only the footer does not fit: that is said too', () => {
    // A first attempt shows where the footer starts; the second (same header and output, the first
    // log moved aside) may write 5 bytes of it.
    const probe = withFileSizeLimit(1_000_000, baseOptions(dir, { command: printLines(10) }));
    expect(probe.logIncomplete).toBeNull();
    const footerAt = readFileSync(probe.logPath, 'utf8').indexOf('# nova: succeeded');
    expect(footerAt).toBeGreaterThan(1000);
    const r = withFileSizeLimit(footerAt + 5, baseOptions(dir, { command: printLines(10) }));
    expect(r.ok).toBe(true);
    expect(r.logIncomplete).toBe(
      `the log was cut at ${formatBytes(footerAt + 5)}: EFBIG (file too large)`,
    );
  });

  it('no room even for the header: LOG_UNAVAILABLE, the child is stopped at once, no stub left', async () => {
    const marker = join(dir, 'ran');
    const logsDir = join(dir, 'logs');
    const r = withFileSizeLimit(
      10,
      baseOptions(dir, {
        command: nodeEval(
          `setTimeout(() => require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'), 300)`,
        ),
      }),
    );
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({
      ...logUnavailable(logsDir, 'EFBIG'),
      message: `Task T1: not run, as its log cannot be written in the logs folder ${logsDir}: EFBIG (file too large).`,
    });
    expect(readdirSync(logsDir)).toEqual([]);
    await new Promise((res) => setTimeout(res, 500));
    expect(existsSync(marker)).toBe(false);
  });
});
