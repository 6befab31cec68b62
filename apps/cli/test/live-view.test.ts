/** The live view, in a real pseudo-terminal (util-linux `script`), redraws in place. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, SMALL_PLAN, tempDir } from './helpers.js';

const SCRIPT = '/usr/bin/script';
const t = tempDir();
afterAll(() => t.cleanup());

describe.skipIf(!existsSync(SCRIPT))('nova run on a terminal', { timeout: 60_000 }, () => {
  it('draws a live block (progress bar, running tasks) and redraws it in place, then the summary', () => {
    t.write('CASCADE.md', SMALL_PLAN);
    const command = `'${process.execPath}' '${BIN}' run --agent simulated`;
    const r = spawnSync(SCRIPT, ['-qefc', command, '/dev/null'], {
      cwd: t.dir,
      encoding: 'utf8',
      timeout: 50_000,
      env: { ...process.env, SIM_DURATION_MS: '400', NO_COLOR: '', FORCE_COLOR: '', TERM: 'xterm' },
    });
    expect(r.status).toBe(0);
    const out = r.stdout;
    // Cursor up to the block's first line + clear to the end of the screen: a redraw in place.
    expect(out).toMatch(/\u001b\[\d+F\u001b\[0J/);
    expect(out).toContain('\u001b[?25l'); // cursor hidden while drawing...
    expect(out).toContain('\u001b[?25h'); // ...and shown again
    expect(out).toMatch(/Small Plan.* \[#*-*\] \d+%/);
    expect(out).toMatch(/ {2}running.*\r?\n {4}A1 +[\d.]+m?s/s);
    expect(out).toContain('\u001b[32m'); // colour on a terminal
    expect(out).toMatch(/Done.*: Small Plan: all 5 tasks completed/);
    // Plain per-event lines are for pipes only.
    expect(out).not.toMatch(/^started {3}A1/m);
  });

  it('NO_COLOR keeps the live view but drops colour', () => {
    const u = tempDir();
    try {
      u.write('CASCADE.md', SMALL_PLAN);
      const r = spawnSync(
        SCRIPT,
        ['-qefc', `'${process.execPath}' '${BIN}' run --agent simulated`, '/dev/null'],
        {
          cwd: u.dir,
          encoding: 'utf8',
          timeout: 50_000,
          env: { ...process.env, SIM_DURATION_MS: '100', NO_COLOR: '1', TERM: 'xterm' },
        },
      );
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/\u001b\[\d+F/);
      expect(r.stdout).not.toMatch(/\u001b\[3\dm/);
    } finally {
      u.cleanup();
    }
  });
});
