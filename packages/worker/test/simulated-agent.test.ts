import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAgentOutput } from '../src/usage.js';
import { NODE, SIM, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('nova-sim-'));
});
afterEach(() => cleanup());

interface Run {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

function runSim(
  args: string[],
  env: Record<string, string> = {},
  input = 'the prompt',
  onStart?: (pid: number, out: () => string) => void,
): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(NODE, [SIM, ...args], {
      cwd: dir,
      env: { ...process.env, NOVA_TASK_ID: 'S1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.stdin.end(input);
    onStart?.(child.pid as number, () => stdout);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('simulated agent', () => {
  it('prints a Claude-Code-shaped stream with consistent totals, writes its file, records the run', async () => {
    const record = join(dir, 'runs.jsonl');
    const r = await runSim(['-p', '--verbose', '--duration-ms', '200', '--model', 'm-1'], {
      SIM_RECORD_FILE: record,
    });
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: 'system', subtype: 'init', model: 'm-1' });
    expect(events.at(-1)).toMatchObject({ type: 'result', is_error: false, subtype: 'success' });
    // The assistant messages (each id once) add up to the result's totals.
    const assistantOnly = parseAgentOutput(
      events
        .filter((e) => e.type === 'assistant')
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    const all = parseAgentOutput(r.stdout);
    expect(assistantOnly.usage).toEqual(all.usage);
    expect(all.usage.output_tokens).toBeGreaterThan(0);
    expect(all.costUsd).toBeGreaterThan(0);
    expect(readFileSync(join(dir, '.nova-simulated', 'S1.txt'), 'utf8')).toContain('no real work');
    const line = JSON.parse(readFileSync(record, 'utf8').trim());
    expect(line).toMatchObject({
      id: 'S1',
      argv: ['-p', '--verbose', '--duration-ms', '200', '--model', 'm-1'],
    });
    expect(line.stdin_sha256).toBe(createHash('sha256').update('the prompt').digest('hex'));
    expect(line.pgid).toBeGreaterThan(0);
    expect(Date.parse(line.ended_at)).toBeGreaterThanOrEqual(Date.parse(line.started_at));
  });

  it('fails on --fail and for tasks listed in SIM_FAIL_TASKS only', async () => {
    const a = await runSim(['--fail', '--duration-ms', '0']);
    expect(a.code).toBe(1);
    expect(a.stderr).toContain('failed on purpose');
    const b = await runSim(['--duration-ms', '0'], { SIM_FAIL_TASKS: 'X1, S1' });
    expect(b.code).toBe(1);
    const c = await runSim(['--duration-ms', '0'], { SIM_FAIL_TASKS: 'S10,X' });
    expect(c.code).toBe(0);
  });

  it('flaky: fails the first N attempts, counted in a file in its cwd', async () => {
    const codes: (number | null)[] = [];
    for (let i = 0; i < 3; i++)
      codes.push((await runSim(['--duration-ms', '0'], { SIM_FLAKY_TASKS: 'Z:5,S1:2' })).code);
    expect(codes).toEqual([1, 1, 0]);
    expect(readFileSync(join(dir, '.nova-simulated', 'S1.attempts'), 'utf8').trim()).toBe('3');
  });

  it('floods the requested number of bytes, then finishes normally', async () => {
    const r = await runSim(['--duration-ms', '0'], { SIM_FLOOD_TASKS: 'S1:1000000' });
    expect(r.code).toBe(0);
    expect(Buffer.byteLength(r.stdout)).toBeGreaterThan(1_000_000);
    expect(parseAgentOutput(r.stdout).result?.isError).toBe(false);
  });

  it('usage limit: a rejected rate_limit_event with resetsAt and an error result', async () => {
    const r = await runSim(['--duration-ms', '0'], { SIM_USAGE_LIMIT_TASKS: 'S1' });
    expect(r.code).toBe(1);
    const s = parseAgentOutput(r.stdout);
    expect(s.rateLimit?.status).toBe('rejected');
    expect(s.result).toMatchObject({ isError: true });
    expect(s.result?.text).toMatch(/usage limit reached\|\d+$/);
  });

  it('hangs until SIGTERM, then exits promptly (and records the run at its start)', async () => {
    const record = join(dir, 'runs.jsonl');
    const r = await runSim(['--hang'], { SIM_RECORD_FILE: record }, '', (pid, out) => {
      const poll = setInterval(() => {
        if (out().includes('"init"') && existsSync(record)) {
          clearInterval(poll);
          process.kill(pid, 'SIGTERM');
        }
      }, 20);
    });
    expect(r.code).toBe(143);
    expect(parseAgentOutput(r.stdout).result).toBeNull();
    const lines = readFileSync(record, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string).ended_at).toBeUndefined();
  });

  it('prints help and rejects a bad number', async () => {
    const help = await runSim(['--help']);
    expect(help.stdout).toContain('does no real work');
    const bad = await runSim(['--duration-ms', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--duration-ms needs a whole number');
    expect(statSync(SIM).mode & 0o111).not.toBe(0);
    expect(readFileSync(SIM, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});
