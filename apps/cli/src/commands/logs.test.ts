import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stateDocument } from '../../test/dashboard-support.js';
import { createColors } from '../core/colors.js';
import type { CommandContext } from '../core/command.js';
import { logsCommand } from './logs.js';

const dir = mkdtempSync(join(tmpdir(), 'nova-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'logs'));
writeFileSync(join(dir, 'cascade_state.json'), JSON.stringify(stateDocument(['A1'])));

const LOG = [
  '# nova: task A1, attempt started 2026-03-01T10:00:00.000Z',
  JSON.stringify({ type: 'system', subtype: 'init', session_id: 's1', model: 'claude-sonnet-4-5' }),
  JSON.stringify({
    type: 'assistant',
    message: {
      id: 'm1',
      model: 'claude-sonnet-4-5',
      usage: { input_tokens: 1000, output_tokens: 200, cache_read_input_tokens: 0 },
      content: [
        { type: 'text', text: 'Fixing it.\u001b[2J' },
        { type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'npm test' } },
      ],
    },
  }),
  JSON.stringify({
    type: 'user',
    message: {
      content: [
        { type: 'tool_result', tool_use_id: 't1', content: '31 passed\nmore', is_error: false },
      ],
    },
  }),
  JSON.stringify({ type: 'telemetry', x: 1 }),
  'plain stderr line \u001b]0;evil title\u0007',
  JSON.stringify({
    type: 'result',
    is_error: false,
    result: 'Done.',
    num_turns: 1,
    total_cost_usd: 0.01,
  }),
  '# nova: succeeded (exit code 0) after 2.0s',
  '',
].join('\n');
writeFileSync(join(dir, 'logs', 'A1.log'), LOG);

async function logs(args: string[], tty: boolean) {
  let out = '';
  let err = '';
  const values: Record<string, string | boolean> = {};
  for (const a of args) values[a.replace(/^--/, '')] = true;
  const ctx: CommandContext = {
    values,
    positionals: ['A1'],
    stdout: {
      write: (t: string) => {
        out += t;
      },
      isTTY: tty,
    },
    stderr: {
      write: (t: string) => {
        err += t;
      },
      isTTY: false,
    },
    colors: { stdout: createColors(false), stderr: createColors(false) },
    env: {},
    cwd: dir,
  };
  const code = await logsCommand.run(ctx);
  return { code, out, err };
}

describe('nova logs', () => {
  it('shows a transcript on a terminal: text, tool call and result, turn figures, result', async () => {
    const { code, out } = await logs([], true);
    expect(code).toBe(0);
    expect(out).toContain('── turn 1 · claude-sonnet-4-5 · 1.00k in · 200 out');
    expect(out).toContain('≈$0.0060');
    expect(out).toContain('  Fixing it.\\x1b[2J');
    expect(out).toContain('→ Bash npm test');
    expect(out).toContain('← Bash 31 passed (+1 lines)');
    expect(out).toContain('✓ result · 1 turns · $0.01');
    expect(out).toContain('# nova: succeeded (exit code 0) after 2.0s');
    // Unknown events show as their raw line; plain output as text, its controls escaped.
    expect(out).toContain('{"type":"telemetry","x":1}');
    expect(out).toContain('plain stderr line \\x1b]0;evil title\\x07');
    expect(out).not.toMatch(/\u001b|\u0007/);
  });

  it('--raw on a terminal prints the lines as written, control characters escaped', async () => {
    const { out } = await logs(['--raw'], true);
    expect(out.split('\n')).toHaveLength(LOG.split('\n').length);
    expect(out).toContain('"type":"telemetry"');
    expect(out).toContain('plain stderr line \\x1b]0;evil title\\x07');
    expect(out).not.toMatch(/\u001b|\u0007/);
  });

  it('piped, copies the log byte for byte; --pretty still gives the transcript', async () => {
    expect((await logs([], false)).out).toBe(LOG);
    expect((await logs(['--pretty'], false)).out).toContain('→ Bash npm test');
  });

  it('refuses --pretty with --raw', async () => {
    await expect(logs(['--pretty', '--raw'], true)).rejects.toMatchObject({ code: 'E_USAGE' });
  });
});
