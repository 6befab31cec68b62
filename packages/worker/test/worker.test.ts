import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../src/process-group.js';
import { startWorker } from '../src/start-worker.js';
import type { StartWorkerOptions, TokenUpdate } from '../src/types.js';
import {
  baseOptions,
  FIXTURES,
  failed,
  logUnavailable,
  NODE,
  nodeEval,
  readLog,
  SIM,
  task,
  tempDir,
  waitFor,
} from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

const base = (extra: Partial<StartWorkerOptions> = {}) => baseOptions(dir, extra);

const sim = (...flags: string[]) => [NODE, SIM, '--model', '{model}', ...flags];

describe('startWorker: success', () => {
  it('runs the simulated agent: tokens from its result, live events, log, marker file', async () => {
    const w = startWorker(
      base({
        command: sim('--duration-ms', '400'),
        model: 'claude-test-model',
        progressIntervalMs: 20,
      }),
    );
    expect(w.pid).toBeGreaterThan(0);
    expect(w.pgid).toBe(w.pid);
    expect(w.logPath).toBe(join(dir, 'logs', 'T1.log'));
    const tokens: TokenUpdate[] = [];
    const inits: unknown[] = [];
    const steps: string[] = [];
    let spawned = false;
    w.on('spawn', () => {
      spawned = true;
    });
    w.on('init', (i) => inits.push(i));
    w.on('tokens', (t) => tokens.push(t));
    w.on('activity', (s) => steps.push(s));
    const r = await w.done;
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(spawned).toBe(true);
    const log = readLog(r.logPath);
    const resultLine = log.split('\n').find((l) => l.startsWith('{"type":"result"'));
    const printed = JSON.parse(resultLine as string);
    expect(r.usage).toEqual({
      input_tokens: printed.usage.input_tokens,
      output_tokens: printed.usage.output_tokens,
      cache_read_tokens: printed.usage.cache_read_input_tokens,
      cache_creation_tokens: printed.usage.cache_creation_input_tokens,
    });
    expect(r.costUsd).toBe(printed.total_cost_usd);
    expect(r.model).toBe('claude-test-model');
    expect(r.sessionId).toBe(printed.session_id);
    expect(r.numTurns).toBe(3);
    // What it said it did, for the prompts of the tasks that depend on it.
    expect(r.resultText).toBe(printed.result);
    expect(r.resultText).not.toBe('');
    expect(r.logIncomplete).toBeNull();
    expect(inits).toEqual([{ model: 'claude-test-model', sessionId: printed.session_id }]);
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.at(-1)).toEqual({
      usage: r.usage,
      costUsd: r.costUsd,
      model: 'claude-test-model',
    });
    expect(steps.length).toBeGreaterThan(0);
    expect(log.startsWith('# nova: task T1, attempt started ')).toBe(true);
    expect(log).toContain('# nova: succeeded (exit code 0)');
    expect(readFileSync(join(dir, '.nova-simulated', 'T1.txt'), 'utf8')).toContain('no real work');
  });

  it('reads --output-format json: the single object and a pretty-printed --verbose array', async () => {
    for (const file of ['json-object.json', 'json-verbose-pretty.json']) {
      const path = join(FIXTURES, file);
      const r = await startWorker(
        base({
          command: nodeEval(
            `process.stdout.write(require('fs').readFileSync(${JSON.stringify(path)}))`,
          ),
        }),
      ).done;
      expect(r.ok).toBe(true);
      expect(r.usage).toEqual({
        input_tokens: 430,
        output_tokens: 35,
        cache_read_tokens: 100,
        cache_creation_tokens: 7,
      });
      expect(r.costUsd).toBe(0.0021);
      expect(r.sessionId).toBe('sess-json-1');
    }
  });

  it('keeps earlier attempts as <id>.log.1, .2, ...', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await startWorker(base({ command: nodeEval(`console.log('attempt ${i}')`) })).done;
      expect(r.ok).toBe(true);
    }
    const logs = join(dir, 'logs');
    expect(readdirSync(logs).sort()).toEqual(['T1.log', 'T1.log.1', 'T1.log.2']);
    expect(readFileSync(join(logs, 'T1.log.1'), 'utf8')).toContain('attempt 0');
    expect(readFileSync(join(logs, 'T1.log.2'), 'utf8')).toContain('attempt 1');
    expect(readFileSync(join(logs, 'T1.log'), 'utf8')).toContain('attempt 2');
  });

  it('sets NOVA_* and removes CLAUDECODE from the environment', async () => {
    const script = `console.log('ENV ' + JSON.stringify({ id: process.env.NOVA_TASK_ID, project: process.env.NOVA_PROJECT, state: process.env.NOVA_STATE_FILE, cc: process.env.CLAUDECODE ?? null, keep: process.env.KEEP_ME }))`;
    const r = await startWorker(
      base({
        command: nodeEval(script),
        env: { ...process.env, CLAUDECODE: '1', KEEP_ME: 'yes' },
        stateFile: 'state/cascade_state.json',
      }),
    ).done;
    const line = readLog(r.logPath)
      .split('\n')
      .find((l) => l.startsWith('ENV ')) as string;
    expect(JSON.parse(line.slice(4))).toEqual({
      id: 'T1',
      project: 'Proj',
      state: join(process.cwd(), 'state/cascade_state.json'),
      cc: null,
      keep: 'yes',
    });
  });

  it('writes the prompt to stdin and closes it; a child that never reads stdin is fine', async () => {
    const r = await startWorker(
      base({
        command: nodeEval(
          "let n=0; process.stdin.on('data', c => n += c.length); process.stdin.on('end', () => console.log('GOT ' + n))",
        ),
        dependencies: [{ id: 'D0', name: 'Dep', description: 'first' }],
      }),
    ).done;
    expect(r.ok).toBe(true);
    expect(readLog(r.logPath)).toMatch(/GOT \d{3,}/);
    // 4 MB the child never reads: exits at once, EPIPE must not matter.
    const big = startWorker(
      base({ command: nodeEval('process.exit(0)'), stdin: 'x'.repeat(4_000_000) }),
    );
    expect((await big.done).ok).toBe(true);
  });

  it('stdin: null gives the child end of input at once', async () => {
    const r = await startWorker(
      base({
        command: nodeEval(
          "let n = 0; process.stdin.on('data', (c) => (n += c.length)); process.stdin.on('end', () => console.log('STDIN ' + n))",
        ),
        stdin: null,
      }),
    ).done;
    expect(r.ok).toBe(true);
    expect(readLog(r.logPath)).toContain('STDIN 0\n');
  });

  it('an attempt that prints nothing still gets a complete log and leaks no descriptor', async () => {
    const fds = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0);
    // One run first, so lazily created handles of the runtime are not counted as leaks.
    await startWorker(base({ command: nodeEval(''), stdin: null, task: task('W0') })).done;
    const before = fds();
    for (let i = 1; i <= 20; i++) {
      const r = await startWorker(base({ command: nodeEval(''), stdin: null, task: task(`W${i}`) }))
        .done;
      expect(r.ok).toBe(true);
      const log = readLog(r.logPath).split('\n');
      expect(log[0]).toMatch(new RegExp(`^# nova: task W${i}, attempt started `));
      expect(log[3]).toMatch(/^# nova: succeeded \(exit code 0\) after /);
      expect(log).toHaveLength(5); // header (3 lines), footer, and the final newline
    }
    // Descriptors of the finished attempts are closed (sockets may close a tick later).
    await waitFor(() => fds() <= before);
  });

  it('creates a missing logs folder, and rotates into it on the next attempt', async () => {
    const logsDir = join(dir, 'deep', 'er', 'logs');
    for (let i = 0; i < 2; i++) {
      const r = await startWorker(
        base({ logsDir, command: nodeEval(i === 0 ? '' : "console.log('second')") }),
      ).done;
      expect(r.ok).toBe(true);
    }
    expect(readdirSync(logsDir).sort()).toEqual(['T1.log', 'T1.log.1']);
    expect(readLog(join(logsDir, 'T1.log'))).toContain('second');
    expect(readLog(join(logsDir, 'T1.log.1'))).toContain('# nova: succeeded');
  });

  it('reaps what the leader left behind in its group, even if it holds the output pipe', async () => {
    const script =
      "const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' }); console.log('GRANDCHILD ' + c.pid); process.exit(0)";
    const w = startWorker(base({ command: nodeEval(script), killGraceMs: 500 }));
    const r = await w.done;
    expect(r.ok).toBe(true);
    const pid = Number(/GRANDCHILD (\d+)/.exec(readLog(r.logPath))?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(isProcessAlive(pid)).toBe(false);
    expect(isProcessAlive(-(w.pgid as number))).toBe(false);
  });

  it('flows large output through to the log with back-pressure', async () => {
    const r = await startWorker(
      base({ command: sim('--duration-ms', '0', '--flood-bytes', '30000000') }),
    ).done;
    expect(r.ok).toBe(true);
    expect(statSync(r.logPath).size).toBeGreaterThan(30_000_000);
    expect(r.usage.input_tokens).toBeGreaterThan(0);
  });
});

describe('startWorker: failures are typed and actionable', () => {
  it('EXIT_CODE names the command, the code and the last stderr lines', async () => {
    const script =
      "for (let i = 0; i < 30; i++) console.error('line ' + i); console.error('Error: config file nova.json is missing'); process.exit(3)";
    const r = failed(await startWorker(base({ command: nodeEval(script) })).done);
    expect(r.error).toMatchObject({
      code: 'EXIT_CODE',
      kind: 'exit_code',
      exitCode: 3,
      signal: null,
      timedOut: false,
      retryable: true,
    });
    expect(r.error.message.split('\n')[0]).toBe(
      `Task T1: "${NODE}" exited with code 3: Error: config file nova.json is missing`,
    );
    expect(r.error.message).not.toContain('line 5\n');
    expect(r.error.message).toContain(r.logPath);
    expect(r.error.stderrTail.split('\n')).toHaveLength(20);
    expect(readLog(r.logPath)).toContain('# nova: failed EXIT_CODE');
  });

  it('EXIT_CODE says when stderr was empty', async () => {
    const r = failed(await startWorker(base({ command: nodeEval('process.exit(1)') })).done);
    expect(r.error.message).toContain('printed nothing on stderr');
  });

  it('SIGNAL when something else killed it', async () => {
    const r = failed(
      await startWorker(base({ command: nodeEval("process.kill(process.pid, 'SIGKILL')") })).done,
    );
    expect(r.error).toMatchObject({
      code: 'SIGNAL',
      kind: 'signal',
      signal: 'SIGKILL',
      exitCode: null,
    });
    expect(r.error.message).toContain('killed by SIGKILL, which Nova did not send');
  });

  it('TIMEOUT after the wall-clock limit', async () => {
    const r = failed(await startWorker(base({ command: sim('--hang'), timeoutMs: 600 })).done);
    // The simulated agent exits 143 on SIGTERM.
    expect(r.error).toMatchObject({
      code: 'TIMEOUT',
      kind: 'timeout',
      timedOut: true,
      exitCode: 143,
    });
    expect(r.error.message).toContain('wall-clock timeout of 600ms');
  });

  it('INACTIVITY_TIMEOUT when it prints nothing for too long', async () => {
    const r = failed(
      await startWorker(base({ command: sim('--hang'), inactivityTimeoutMs: 500 })).done,
    );
    expect(r.error).toMatchObject({
      code: 'INACTIVITY_TIMEOUT',
      kind: 'inactivity',
      timedOut: true,
    });
    expect(r.error.message).toContain('printed nothing for 500ms');
  });

  it('no inactivity timeout while output keeps coming', async () => {
    // Runs 5 s (2.5 times the limit), printing every 100 ms; the limit leaves room for a slow start.
    const script =
      "let n = 0; const t = setInterval(() => { console.log('tick'); if (++n === 50) { clearInterval(t); } }, 100)";
    const r = await startWorker(base({ command: nodeEval(script), inactivityTimeoutMs: 2000 }))
      .done;
    expect(r.ok).toBe(true);
  });

  it('OUTPUT_CAP stops a flood and keeps the log within the cap', async () => {
    const r = failed(
      await startWorker(base({ command: sim('--flood-bytes', '50000000'), maxLogBytes: 200_000 }))
        .done,
    );
    expect(r.error).toMatchObject({ code: 'OUTPUT_CAP', kind: 'output_cap' });
    expect(r.error.message).toContain('log cap of 195.3 KiB');
    // The option a user can set (the CLI's flag and config key), not this package's name for it.
    expect(r.error.message).toContain(
      'raise the cap (--max-log-size, or maxLogSize in the config)',
    );
    expect(statSync(r.logPath).size).toBeLessThan(200_000 + 2000);
    // The cap cuts a filler line in the middle: the note starts a line of its own, the footer too.
    const log = readLog(r.logPath);
    expect(log).toMatch(
      /\n[^\n#]+\n# nova: output reached the log cap of 195\.3 KiB; stopping the process\n# nova: failed OUTPUT_CAP /,
    );
  });

  it('the footer starts a line of its own after output that did not end one', async () => {
    const r = await startWorker(
      base({ command: nodeEval("process.stdout.write('partial line, no newline')") }),
    ).done;
    expect(r.ok).toBe(true);
    const lines = readLog(r.logPath).split('\n');
    expect(lines.slice(3, 5)).toEqual(['partial line, no newline', expect.any(String)]);
    expect(lines[4]).toMatch(/^# nova: succeeded \(exit code 0\) after /);
  });

  it('COMMAND_NOT_FOUND says which command is not on PATH; not retryable', async () => {
    const w = startWorker(base({ command: ['nova-no-such-agent-xyz', '-p'] }));
    expect(w.pid).toBeNull();
    const r = failed(await w.done);
    expect(r.error).toMatchObject({
      code: 'COMMAND_NOT_FOUND',
      kind: 'command_not_found',
      retryable: false,
    });
    expect(r.error.message).toContain(
      'command "nova-no-such-agent-xyz" not found: it is not on PATH',
    );
    expect(readLog(r.logPath)).toContain('# nova: failed COMMAND_NOT_FOUND');
    const byPath = failed(await startWorker(base({ command: ['./missing/agent'] })).done);
    expect(byPath.error.message).toContain('"./missing/agent" not found: no such file');
  });

  it('COMMAND_NOT_FOUND for a script whose #! interpreter is missing', async () => {
    const script = join(dir, 'bad-shebang');
    writeFileSync(script, '#!/usr/bin/nova-no-such-interpreter\n', { mode: 0o755 });
    const r = failed(await startWorker(base({ command: [script] })).done);
    expect(r.error.code).toBe('COMMAND_NOT_FOUND');
    expect(r.error.message).toContain('interpreter');
  });

  it('SPAWN_FAILED for a non-executable file, a missing cwd and a NUL in argv', async () => {
    const file = join(dir, 'not-exec');
    writeFileSync(file, 'echo hi\n', { mode: 0o644 });
    const a = failed(await startWorker(base({ command: [file] })).done);
    expect(a.error).toMatchObject({ code: 'SPAWN_FAILED', kind: 'spawn_error', retryable: false });
    expect(a.error.message).toContain('permission denied');
    const b = failed(
      await startWorker(base({ command: nodeEval(''), cwd: join(dir, 'nope') })).done,
    );
    expect(b.error.message).toContain(`working directory ${join(dir, 'nope')} does not exist`);
    const c = failed(
      await startWorker(base({ command: [NODE, '{name}'], task: task('T1', { name: 'a\0b' }) }))
        .done,
    );
    expect(c.error.code).toBe('SPAWN_FAILED');
    expect(c.error.message).toContain('NUL');
  });

  it('LOG_UNAVAILABLE when the logs folder cannot be created: the machine failed, not the task', async () => {
    writeFileSync(join(dir, 'file'), '');
    const logsDir = join(dir, 'file', 'logs');
    const r = failed(await startWorker(base({ logsDir, command: nodeEval('') })).done);
    expect(r.error).toMatchObject(logUnavailable(logsDir, 'ENOTDIR'));
    expect(r.error.message).toBe(
      `Task T1: not run, as its log cannot be written in the logs folder ${logsDir}: ENOTDIR (not a directory).`,
    );
    expect(r.logIncomplete).toBe('no log was written: ENOTDIR (not a directory)');
  });

  it.runIf(process.platform === 'linux')(
    'LOG_UNAVAILABLE for a logs folder where nothing can be made (/proc)',
    async () => {
      const logsDir = '/proc/nova-no-such-dir';
      const r = failed(await startWorker(base({ logsDir, command: nodeEval('') })).done);
      expect(r.error).toMatchObject({ code: 'LOG_UNAVAILABLE', errno: 'ENOENT' });
      expect(r.error.message).toContain(`the logs folder ${logsDir}: ENOENT`);
    },
  );

  it('a child started before its log turned out impossible is killed at once and waited for', async () => {
    writeFileSync(join(dir, 'file'), '');
    const marker = join(dir, 'ran');
    const w = startWorker(
      base({
        logsDir: join(dir, 'file', 'logs'),
        command: nodeEval(
          `setTimeout(() => require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'), 300)`,
        ),
      }),
    );
    expect(typeof w.pid).toBe('number'); // the spawn comes first, the log right after
    const r = failed(await w.done);
    expect(r.error.code).toBe('LOG_UNAVAILABLE');
    expect(isProcessAlive(-(w.pgid as number))).toBe(false);
    await new Promise((res) => setTimeout(res, 500));
    expect(existsSync(marker)).toBe(false);
  });

  it('AGENT_ERROR for an is_error result even with exit 0', async () => {
    const ev = {
      type: 'result',
      subtype: 'error_max_turns',
      is_error: true,
      num_turns: 12,
      result: 'Reached the maximum number of turns',
      total_cost_usd: 0.5,
      usage: { input_tokens: 9, output_tokens: 1 },
    };
    const r = failed(
      await startWorker(
        base({ command: nodeEval(`console.log(${JSON.stringify(JSON.stringify(ev))})`) }),
      ).done,
    );
    expect(r.error).toMatchObject({ code: 'AGENT_ERROR', kind: 'agent_error', exitCode: 0 });
    expect(r.error.message).toContain(
      'the agent reported an error (subtype error_max_turns, after 12 turns, exit code 0): "Reached the maximum number of turns"',
    );
    expect(r.costUsd).toBe(0.5);
    expect(r.usage.input_tokens).toBe(9);
    expect(r.resultText).toBe('Reached the maximum number of turns');
  });

  it('USAGE_LIMIT with the reset time from the rate_limit_event', async () => {
    const r = failed(
      await startWorker(base({ command: sim('--duration-ms', '0', '--usage-limit') })).done,
    );
    expect(r.error).toMatchObject({ code: 'USAGE_LIMIT', kind: 'usage_limit', retryable: true });
    expect(r.error.resetAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z$/);
    expect(Date.parse(r.error.resetAt as string)).toBeGreaterThan(Date.now());
    expect(r.error.message).toContain(`It resets at ${r.error.resetAt}`);
    expect(r.error.message).toContain('usage limit reached');
  });

  it('USAGE_LIMIT from a `...|<unix seconds>` result text, from prose, and without any reset time', async () => {
    const ev = {
      type: 'result',
      is_error: true,
      result: 'Claude AI usage limit reached|1900000000',
    };
    const a = failed(
      await startWorker(
        base({
          command: nodeEval(`console.log(${JSON.stringify(JSON.stringify(ev))}); process.exit(1)`),
        }),
      ).done,
    );
    expect(a.error.code).toBe('USAGE_LIMIT');
    expect(a.error.resetAt).toBe('2030-03-17T17:46:40.000Z');
    const ev2 = {
      type: 'result',
      is_error: true,
      result: "You've hit your weekly limit · resets Dec 1, 9am",
    };
    const b = failed(
      await startWorker(
        base({ command: nodeEval(`console.log(${JSON.stringify(JSON.stringify(ev2))})`) }),
      ).done,
    );
    // Prose: the coming Dec 1, 9am local time (parseResetTime).
    expect(b.error.code).toBe('USAGE_LIMIT');
    const reset = new Date(b.error.resetAt!);
    expect([reset.getMonth(), reset.getDate(), reset.getHours(), reset.getMinutes()]).toEqual([
      11, 1, 9, 0,
    ]);
    expect(b.error.message).toContain(`It resets at ${b.error.resetAt} (in `);
    const ev3 = {
      type: 'result',
      is_error: true,
      result: "You've hit your weekly limit · resets soon",
    };
    const c = failed(
      await startWorker(
        base({ command: nodeEval(`console.log(${JSON.stringify(JSON.stringify(ev3))})`) }),
      ).done,
    );
    expect(c.error).toMatchObject({ code: 'USAGE_LIMIT', resetAt: null });
    expect(c.error.message).toContain('did not say when it resets');
  });

  it('a process that sent its result but does not exit is stopped and judged by its result', async () => {
    const ok = {
      type: 'result',
      subtype: 'success',
      is_error: false,
      num_turns: 1,
      result: 'done',
      usage: { input_tokens: 5, output_tokens: 2 },
    };
    const hang = (ev: object) =>
      nodeEval(`console.log(${JSON.stringify(JSON.stringify(ev))}); setInterval(() => {}, 1000)`);
    const a = await startWorker(base({ command: hang(ok), resultGraceMs: 300 })).done;
    expect(a).toMatchObject({
      ok: true,
      exitCode: 0,
      stoppedAfterResult: true,
      usage: { input_tokens: 5, output_tokens: 2 },
    });
    const b = failed(
      await startWorker(
        base({ command: hang({ ...ok, is_error: true, result: 'broke' }), resultGraceMs: 300 }),
      ).done,
    );
    expect(b.error.code).toBe('AGENT_ERROR');
  });
});

describe('terminate()', () => {
  it('stops the whole group, grandchild included', async () => {
    const w = startWorker(base({ command: sim('--hang', '--spawn-child') }));
    const grandchild = await waitFor(() => {
      const m = existsSync(w.logPath) && /started grandchild (\d+)/.exec(readLog(w.logPath));
      return m ? Number(m[1]) : null;
    });
    expect(isProcessAlive(grandchild)).toBe(true);
    await w.terminate();
    const r = failed(await w.done);
    expect(r.error).toMatchObject({ code: 'TERMINATED', kind: 'interrupted', retryable: false });
    expect(r.error.message).toContain('stopped by Nova');
    expect(isProcessAlive(grandchild)).toBe(false);
    expect(isProcessAlive(-(w.pgid as number))).toBe(false);
  });

  it('kills a process that ignores SIGTERM after the grace', async () => {
    const w = startWorker(
      base({ command: sim('--hang', '--ignore-sigterm', '--spawn-child'), killGraceMs: 400 }),
    );
    await waitFor(() => existsSync(w.logPath) && readLog(w.logPath).includes('"subtype":"init"'));
    await w.terminate();
    const r = failed(await w.done);
    expect(r.error).toMatchObject({ code: 'TERMINATED', signal: 'SIGKILL' });
    expect(isProcessAlive(-(w.pgid as number))).toBe(false);
  });

  it('a second call kills at once', async () => {
    // With a 10-minute grace, only the second call's SIGKILL can end this test in time.
    const w = startWorker(
      base({ command: sim('--hang', '--ignore-sigterm'), killGraceMs: 600_000 }),
    );
    await waitFor(() => existsSync(w.logPath) && readLog(w.logPath).includes('"subtype":"init"'));
    const first = w.terminate();
    await new Promise((r) => setTimeout(r, 100));
    const second = w.terminate();
    await Promise.all([first, second]);
    const r = failed(await w.done);
    expect(r.error).toMatchObject({ code: 'TERMINATED', signal: 'SIGKILL' });
    expect(r.error.message).toContain('then SIGKILL');
  });

  it('a second call also hurries a leftover of an exited leader that ignores SIGTERM', async () => {
    const script =
      "const c = require('child_process').spawn(process.execPath, ['-e', \"process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)\"], { stdio: 'ignore' }); console.log('GRANDCHILD ' + c.pid); setTimeout(() => process.exit(0), 300)";
    const w = startWorker(base({ command: nodeEval(script), killGraceMs: 600_000 }));
    const pid = await waitFor(() => {
      const m = existsSync(w.logPath) && /GRANDCHILD (\d+)/.exec(readLog(w.logPath));
      return m ? Number(m[1]) : null;
    });
    // Wait until Node has reaped the leader (ESRCH even for kill 0): libuv reaps it and emits 'exit'
    // in the same callback, so the worker has seen the exit. Its group is now being reaped, with a
    // 10-minute grace.
    await waitFor(() => {
      try {
        process.kill(w.pid as number, 0);
        return false;
      } catch {
        return true;
      }
    });
    await Promise.all([w.terminate(), w.terminate()]);
    expect((await w.done).ok).toBe(true);
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('after the process ended, terminate() just resolves', async () => {
    const w = startWorker(base({ command: nodeEval('') }));
    await w.done;
    await w.terminate();
    expect((await w.done).ok).toBe(true);
  });
});

describe('options', () => {
  it('rejects a task id that cannot name a log file and an empty command', () => {
    expect(() => startWorker(base({ task: task('../x') }))).toThrow(/cannot name a log file/);
    expect(() => startWorker(base({ command: [] }))).toThrow(/empty/);
  });
});
