/**
 * Text from a plan, a state file or an agent never drives the terminal: escape sequences in every
 * field (project, branch, group, task name, description, an invalid Task ID, the agent's current
 * step, a failure reason from stderr, milestone names and messages) are shown as visible escapes by
 * `nova validate`, `nova plan`, `nova run` (plain and on a pseudo-terminal) and `nova status`,
 * while `--json` keeps them exact and `--mermaid` labels keep them inside the label.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  BIN,
  killStarted,
  killWorkersOf,
  nova,
  removeDir,
  startNova,
  tempDir,
  WORKERS,
  waitFor,
  writePlan,
} from './helpers.js';

/** OSC 0 (window title), OSC 8 (hyperlink), CSI 2J + H (clear, home), C1 CSI, RLO. */
const HOSTILE =
  '\u001b]0;PWNED-TITLE\u0007 \u001b]8;;https://evil.example/\u001b\\click\u001b]8;;\u001b\\ \u001b[2J\u001b[H \u009b31m \u202eevil';
/** The same with a bare carriage return, which would overwrite the line. A plan cannot hold one. */
const HOSTILE_CR = `${HOSTILE} \roverwritten`;
/** How HOSTILE's title change must show: as text. */
const SHOWN = '\\x1b]0;PWNED-TITLE\\x07';

/**
 * Every control character, bidi control or escape sequence in `output` that Nova itself does not
 * emit. Nova's own: SGR colours, cursor hide/show, lines up, clear below; tabs and line breaks
 * (`\r\n` on a terminal).
 */
function foreignControls(output: string): string[] {
  const own = /\u001b\[[0-9;]*m|\u001b\[\?25[lh]|\u001b\[\d+F|\u001b\[0J|\r\n|\n|\t/y;
  const control = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
  const found: string[] = [];
  for (const m of output.matchAll(control)) {
    own.lastIndex = m.index;
    if (own.test(output)) {
      control.lastIndex = own.lastIndex;
      continue;
    }
    found.push(JSON.stringify(output.slice(Math.max(0, m.index - 20), m.index + 20)));
  }
  return found;
}

const plan = (ids: { ok: string } = { ok: 'OK1' }) => `# Project ${HOSTILE}

## L1: Branch ${HOSTILE}

### L2: Group ${HOSTILE}

| Task ID | Task Name | What Changes | Depends On |
| ------- | --------- | ------------ | ---------- |
| STEP | Step task ${HOSTILE} | Describe ${HOSTILE} | - |
| FAIL1 | Failing task ${HOSTILE} | Describe ${HOSTILE} | - |
| ${ids.ok} | Blocked task ${HOSTILE} | Describe ${HOSTILE} | FAIL1 |
`;

/** YAML double quotes: \\e is ESC, \\a BEL, \\r CR, \\x9b and \\u202e as written. */
const MILESTONES = `milestones:
  - id: failed
    name: "Failure \\e]0;PWNED-TITLE\\a \\x9b2J \\u202eevil \\roverwritten"
    message: "see \\e]8;;https://evil.example/\\e\\\\click\\e]8;;\\e\\\\ \\e[2J"
    type: any_task_failed
`;

/** Text without Nova's own colour sequences (checked first with foreignControls). */
const uncoloured = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

const dirs: string[] = [];
afterEach(async () => {
  await killStarted();
  killWorkersOf(dirs);
  for (const d of dirs.splice(0)) removeDir(d);
});

function hostileDir(): { dir: string; file: string } {
  const dir = tempDir('nova-pg-term-');
  dirs.push(dir);
  const file = writePlan(dir, plan());
  writeFileSync(join(dir, 'milestones.yaml'), MILESTONES);
  return { dir, file };
}

function runArgs(dir: string, file: string): string[] {
  return [
    'run',
    file,
    '-j',
    '2',
    '--retries',
    '0',
    '--worker-cmd',
    `'${process.execPath}' '${join(WORKERS, 'terminal-agent.mjs')}'`,
    '--state',
    join(dir, 'state.json'),
  ];
}

const agentEnv = (dir: string) => ({
  PG_HOSTILE: HOSTILE_CR,
  PG_RELEASE: join(dir, 'release'),
  // Marks the agents as this test's for killWorkersOf after a failure.
  PG_RECORD: join(dir, 'record'),
});

interface StateDoc {
  tasks: Record<string, { status: string; current_step: string | null }>;
}

const readState = (dir: string): StateDoc | null => {
  try {
    return JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as StateDoc;
  } catch {
    return null;
  }
};

/** Both agents are running and the state records the hostile step. */
const stepsRecorded = (dir: string) => {
  const s = readState(dir);
  return (
    s?.tasks.STEP?.current_step?.includes('PWNED-TITLE') && s.tasks.FAIL1?.status === 'in_progress'
  );
};

describe('hostile plan text', () => {
  test('validate and plan show it visibly; --json keeps it exact; mermaid labels hold it', () => {
    const { dir, file } = hostileDir();
    const validate = nova(['validate', file], dir);
    expect(validate.code, validate.stderr).toBe(0);

    const text = nova(['plan', file], dir, { FORCE_COLOR: '1', NO_COLOR: '' });
    expect(text.code, text.stderr).toBe(0);
    expect(foreignControls(text.stdout + text.stderr)).toEqual([]);
    for (const shown of [
      `Project ${SHOWN}`,
      `Branch ${SHOWN}`,
      `Group ${SHOWN}`,
      `task ${SHOWN}`,
    ]) {
      expect(uncoloured(text.stdout)).toContain(shown);
    }
    expect(uncoloured(text.stdout)).toContain('\\x9b31m \\u202eevil');

    const json = nova(['plan', file, '--json'], dir);
    const doc = JSON.parse(json.stdout) as {
      projectName: string;
      tasks: { name: string; description: string }[];
    };
    expect(doc.projectName).toBe(`Project ${HOSTILE}`);
    expect(doc.tasks[0]).toMatchObject({
      name: `Step task ${HOSTILE}`,
      description: `Describe ${HOSTILE}`,
    });

    const mermaid = nova(['plan', file, '--mermaid'], dir);
    expect(mermaid.code, mermaid.stderr).toBe(0);
    expect(foreignControls(mermaid.stdout)).toEqual([]);
    // Each label line is `<node>["<label>"]` with no quote inside the label.
    for (const line of mermaid.stdout.split('\n').filter((l) => l.includes('['))) {
      expect(line).toMatch(/^ *(subgraph )?[a-z0-9]+\["[^"]*"\]$/);
    }
  });

  test('an invalid Task ID is echoed visibly by validate, plan and run; --json keeps it', () => {
    const dir = tempDir('nova-pg-term-');
    dirs.push(dir);
    const file = writePlan(dir, plan({ ok: `BAD\u001b]0;PWNED-TITLE\u0007\u009b2J` }));
    for (const args of [['validate', file], ['plan', file], runArgs(dir, file)]) {
      const r = nova(args, dir, { FORCE_COLOR: '1', NO_COLOR: '' });
      expect(r.code, args[0]).toBe(2);
      const out = r.stdout + r.stderr;
      expect(foreignControls(out), args[0]).toEqual([]);
      expect(out, args[0]).toContain(`invalid Task ID "BAD${SHOWN}\\x9b2J"`);
    }
    const json = nova(['validate', file, '--json'], dir);
    const doc = JSON.parse(json.stdout) as { errors: { message: string }[] };
    expect(doc.errors[0]!.message).toContain(`BAD\u001b]0;PWNED-TITLE\u0007\u009b2J`);
  });
});

describe('hostile agent output and state', () => {
  test('plain run and status: names, current step, failure reason, milestones shown visibly', async () => {
    const { dir, file } = hostileDir();
    const run = startNova(runArgs(dir, file), dir, {
      ...agentEnv(dir),
      FORCE_COLOR: '1',
      NO_COLOR: '',
    });
    await waitFor(() => stepsRecorded(dir), 'the agents to report their step');

    const during = nova(['status', '--state', join(dir, 'state.json')], dir, {
      FORCE_COLOR: '1',
      NO_COLOR: '',
    });
    expect(during.code, during.stderr).toBe(0);
    expect(foreignControls(during.stdout + during.stderr)).toEqual([]);
    for (const shown of ['Project', 'Branch', 'Group', 'Step task', 'Bash: echo']) {
      expect(uncoloured(during.stdout)).toContain(`${shown} ${SHOWN}`);
    }

    writeFileSync(join(dir, 'release'), '');
    const ended = await run.exited;
    expect(ended.code, run.stderr()).toBe(1);
    expect(foreignControls(run.stdout() + run.stderr())).toEqual([]);
    const out = uncoloured(run.stdout() + run.stderr());
    expect(out).toMatch(/failed {4}FAIL1 .*Failing task .*boom \\x1b\]0;PWNED-TITLE\\x07/);
    expect(out).toMatch(/milestone Failure \\x1b\]0;PWNED-TITLE\\x07 \\x9b2J/);
    expect(out).toContain('\\u202eevil \\roverwritten: see \\x1b]8;;https://evil.example/');
    // The summary's headline names the project.
    expect(out).toMatch(/Failed: Project \\x1b\]0;PWNED-TITLE\\x07 .*: 1 failed, 1 blocked/);

    const after = nova(['status', '--state', join(dir, 'state.json')], dir, {
      FORCE_COLOR: '1',
      NO_COLOR: '',
    });
    expect(after.code, after.stderr).toBe(0);
    expect(foreignControls(after.stdout + after.stderr)).toEqual([]);
    const status = uncoloured(after.stdout);
    expect(status).toMatch(/FAIL1 {2}Failing task .*boom \\x1b\]0;PWNED-TITLE/);
    expect(status).toMatch(/OK1 {2}Blocked task .*blocked by failed FAIL1/);
    expect(status).toContain('Failure \\x1b]0;PWNED-TITLE\\x07 \\x9b2J \\u202eevil \\roverwritten');
    // status --json keeps the state's text exact.
    const json = nova(['status', '--state', join(dir, 'state.json'), '--json'], dir);
    const doc = JSON.parse(json.stdout) as {
      project: { name: string };
      milestones: { name: string }[];
    };
    expect(doc.project.name).toBe(`Project ${HOSTILE}`);
    expect(doc.milestones[0]!.name).toContain('\roverwritten');
  });

  test.skipIf(!existsSync('/usr/bin/script'))(
    "a run on a terminal: only Nova's own sequences reach it, the hostile text shows as text",
    async () => {
      const { dir, file } = hostileDir();
      const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      // Wide enough for the step to show whole after the task's name.
      const command = `stty cols 200 rows 40 && exec ${[process.execPath, BIN, ...runArgs(dir, file)].map(quote).join(' ')}`;
      const child: ChildProcess = spawn('/usr/bin/script', ['-qfec', command, '/dev/null'], {
        cwd: dir,
        env: {
          ...process.env,
          ...agentEnv(dir),
          NO_COLOR: '',
          FORCE_COLOR: '',
          NOVA_DEBUG: '',
          TERM: 'xterm',
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        output += d;
      });
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      try {
        // The live block shows the agent's step (the frame redraws every half second).
        await waitFor(() => output.includes(`Bash: echo ${SHOWN}`), 'the step in the live view');
        writeFileSync(join(dir, 'release'), '');
        expect(await exited).toBe(1);
      } finally {
        child.kill('SIGKILL');
      }
      expect(output).toContain('\u001b[?25l');
      expect(output).toMatch(/\u001b\[\d+F\u001b\[0J/);
      expect(foreignControls(output)).toEqual([]);
      const shown = uncoloured(output);
      expect(shown).toContain(`Project ${SHOWN}`);
      expect(shown).toMatch(/failed {4}FAIL1 .*boom \\x1b\]0;PWNED-TITLE\\x07/);
      expect(shown).toContain('milestone Failure \\x1b]0;PWNED-TITLE\\x07');
    },
  );
});
