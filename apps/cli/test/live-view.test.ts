/** The live view, in a real pseudo-terminal (util-linux `script`), redraws in place. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { columnWidth } from '../src/core/terminal-columns.js';
import { BIN, novaOnTerminal, SMALL_PLAN, tempDir } from './helpers.js';
import { VirtualTerminal } from './virtual-terminal.js';

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

/** A plan whose names are wide: CJK, emoji, a ZWJ sequence, combining marks. */
const WIDE_PLAN = `# 日本語のプロジェクト名🚀

## L1: 開発

### L2: コア

| Task ID | Task Name                                  | What Changes | Depends On |
| ------- | ------------------------------------------ | ------------ | ---------- |
| W1      | 型の定義をするとても長いタスク名です🚀🚀🚀 | 型           | -          |
| W2      | 👩‍💻👩‍💻👩‍💻 パーサーを書く                   | パーサー     | W1         |
| W3      | e\u0301e\u0301e\u0301 combining and 漢字漢字漢字漢字 | 出力         | W1         |
| W4      | 統合🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉                   | 統合         | W2, W3     |
`;

describe('nova run on a narrow terminal with wide names', { timeout: 120_000 }, () => {
  for (const columns of [40, 72]) {
    it(`${columns} columns: the block never wraps, so each redraw lands in place`, () => {
      const u = tempDir();
      try {
        u.write('CASCADE.md', WIDE_PLAN);
        const r = novaOnTerminal(['run', '--agent', 'simulated', '-j', '2'], u.dir, {
          columns,
          rows: 20,
          env: { SIM_DURATION_MS: '400', NO_COLOR: '', FORCE_COLOR: '' },
        });
        expect(r.code, r.output).toBe(0);
        const term = new VirtualTerminal(columns, 20);
        term.write(r.output);
        expect(term.pastTop).toBe(0);
        expect(r.output.match(/\u001b\[\d+F\u001b\[0J/g)?.length).toBeGreaterThan(3);
        // A wrapped line would leave the block's first line behind at every redraw.
        const headers = term.transcript.filter((l) => l.startsWith('日本語のプロジェクト名🚀 ['));
        expect(headers).toHaveLength(1);
        const start = term.transcript.indexOf(headers[0]!);
        const block = term.transcript.slice(start, term.transcript.indexOf('', start));
        expect(block.join('\n')).toMatch(/recent/);
        for (const line of block) expect(columnWidth(line)).toBeLessThan(columns);
        expect(term.cursorVisible).toBe(true);
      } finally {
        u.cleanup();
      }
    });
  }

  it('a crash while the block is live still gives the terminal its cursor back', () => {
    const u = tempDir();
    try {
      u.write('CASCADE.md', SMALL_PLAN);
      const crash = pathToFileURL(join(import.meta.dirname, 'fixtures', 'crash-after-redraws.mjs'));
      const r = novaOnTerminal(['run', '--agent', 'simulated'], u.dir, {
        columns: 80,
        rows: 24,
        env: { SIM_DURATION_MS: '2000', NODE_OPTIONS: `--import=${crash.href}` },
      });
      expect(r.output).toContain('injected crash');
      expect(r.code).not.toBe(0);
      const hidden = r.output.lastIndexOf('\u001b[?25l');
      expect(hidden).toBeGreaterThanOrEqual(0);
      expect(r.output.indexOf('\u001b[?25h', hidden)).toBeGreaterThan(hidden);
    } finally {
      u.cleanup();
    }
  });
});
