import { describe, expect, it } from 'vitest';
import { createUsageTracker, detectUsageLimit, parseAgentOutput } from './usage.js';

const SESSION = 'sess-0001';
const usage = (i: number, o: number, cr: number, cc: number) => ({
  input_tokens: i,
  output_tokens: o,
  cache_read_input_tokens: cr,
  cache_creation_input_tokens: cc,
  service_tier: 'standard',
});
const assistant = (id: string, u: ReturnType<typeof usage>, content: unknown[] = []) => ({
  type: 'assistant',
  message: {
    id,
    type: 'message',
    role: 'assistant',
    model: 'claude-opus-4-1-20250805',
    content,
    usage: u,
  },
  session_id: SESSION,
});
const init = {
  type: 'system',
  subtype: 'init',
  session_id: SESSION,
  model: 'claude-opus-4-1-20250805',
  tools: [],
};
const result = {
  type: 'result',
  subtype: 'success',
  is_error: false,
  num_turns: 4,
  duration_ms: 9000,
  result: 'All done.',
  session_id: SESSION,
  total_cost_usd: 0.0123,
  // Includes a background haiku call the assistant events never showed: the result is authoritative.
  usage: usage(310, 65, 3000, 50),
  modelUsage: {
    'claude-3-5-haiku-20241022': {
      inputTokens: 10,
      outputTokens: 5,
      cacheReadInputTokens: 0,
      cacheCreationInputTokens: 0,
      costUSD: 0.0003,
    },
    'claude-opus-4-1-20250805': {
      inputTokens: 300,
      outputTokens: 60,
      cacheReadInputTokens: 3000,
      cacheCreationInputTokens: 50,
      costUSD: 0.012,
    },
  },
};
const streamLines = [
  JSON.stringify(init),
  JSON.stringify(
    assistant('msg_A', usage(100, 20, 1000, 50), [{ type: 'text', text: 'Looking around.' }]),
  ),
  JSON.stringify(
    assistant('msg_A', usage(100, 20, 1000, 50), [
      { type: 'tool_use', name: 'Bash', input: { command: 'ls -la' } },
    ]),
  ),
  JSON.stringify(
    assistant('msg_A', usage(100, 20, 1000, 50), [
      { type: 'tool_use', name: 'Read', input: { file_path: 'a.ts' } },
    ]),
  ),
  JSON.stringify({
    type: 'user',
    message: { role: 'user', content: [{ type: 'tool_result', content: '{"type":"result"}' }] },
  }),
  'npm WARN deprecated something@1.0.0',
  '{not json at all',
  '[1, 2, 3]',
  JSON.stringify({ type: 'stream_event', event: { usage: { input_tokens: 99999 } } }),
  JSON.stringify(
    assistant('msg_B', usage(200, 40, 2000, 0), [
      { type: 'text', text: '\n  Writing the fix now.\nmore' },
    ]),
  ),
];
const stream = `${[...streamLines, JSON.stringify(result)].join('\n')}\n`;

describe('token accounting (stream-json)', () => {
  it('counts each assistant message id once while running', () => {
    const t = createUsageTracker();
    t.push(`${streamLines.join('\n')}\n`);
    const s = t.summary();
    expect(s.usage).toEqual({
      input_tokens: 300,
      output_tokens: 60,
      cache_read_tokens: 3000,
      cache_creation_tokens: 50,
    });
    expect(s.assistantMessages).toBe(2);
    expect(s.result).toBeNull();
    expect(s.costUsd).toBeNull();
    expect(s.model).toBe('claude-opus-4-1-20250805');
    expect(s.sessionId).toBe(SESSION);
    expect(t.lastActivity()).toBe('Writing the fix now.');
  });

  it('takes the result totals as authoritative, with cost, turns and the main model', () => {
    const s = parseAgentOutput(stream);
    expect(s.usage).toEqual({
      input_tokens: 310,
      output_tokens: 65,
      cache_read_tokens: 3000,
      cache_creation_tokens: 50,
    });
    expect(s.costUsd).toBe(0.0123);
    expect(s.numTurns).toBe(4);
    expect(s.model).toBe('claude-opus-4-1-20250805');
    expect(s.result).toMatchObject({ isError: false, subtype: 'success', text: 'All done.' });
    expect(s.modelUsage?.['claude-3-5-haiku-20241022']).toMatchObject({
      input_tokens: 10,
      costUsd: 0.0003,
    });
  });

  it('gives the same summary whatever the chunking (byte by byte included)', () => {
    const bytes = Buffer.from(stream);
    for (const size of [1, 7, 64, 4096]) {
      const t = createUsageTracker();
      for (let i = 0; i < bytes.length; i += size) t.push(bytes.subarray(i, i + size));
      t.end();
      expect(t.summary()).toEqual(parseAgentOutput(stream));
    }
  });

  it('reports a change only when an event was recognised', () => {
    const t = createUsageTracker();
    expect(t.push('plain noise\n')).toBe(false);
    expect(t.push(`${JSON.stringify(init)}\n`)).toBe(true);
    expect(t.push(`${JSON.stringify({ type: 'unknown_kind', x: 1 })}\n`)).toBe(false);
  });

  it('keeps the largest figures of a message whose usage grows while streamed', () => {
    const s = parseAgentOutput(
      [
        assistant('m1', usage(10, 1, 0, 0)),
        assistant('m1', usage(10, 30, 0, 0)),
        assistant('m1', usage(10, 5, 0, 0)),
      ]
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    expect(s.usage.output_tokens).toBe(30);
    expect(s.usage.input_tokens).toBe(10);
  });

  it('tolerates odd values: negative or string counts become 0, missing usage adds nothing', () => {
    const s = parseAgentOutput(
      [
        JSON.stringify({
          type: 'assistant',
          message: { id: 'x', usage: { input_tokens: -5, output_tokens: '7' } },
        }),
        JSON.stringify({ type: 'assistant', message: { id: 'y' } }),
        JSON.stringify({ type: 'assistant' }),
        JSON.stringify({ type: 42 }),
        'null',
        JSON.stringify({ type: 'result', is_error: false }),
      ].join('\n'),
    );
    expect(s.usage).toEqual({
      input_tokens: 0,
      output_tokens: 0,
      cache_read_tokens: 0,
      cache_creation_tokens: 0,
    });
    expect(s.costUsd).toBeNull();
  });

  it('without a result, the assistant messages give the tokens so far', () => {
    const s = parseAgentOutput(streamLines.slice(0, 4).join('\n'));
    expect(s.usage.input_tokens).toBe(100);
    expect(s.result).toBeNull();
  });

  it('uses modelUsage when a result has no usage', () => {
    const { usage: _u, total_cost_usd: _c, ...bare } = result;
    const s = parseAgentOutput(JSON.stringify(bare));
    expect(s.usage).toEqual({
      input_tokens: 310,
      output_tokens: 65,
      cache_read_tokens: 3000,
      cache_creation_tokens: 50,
    });
    expect(s.costUsd).toBeCloseTo(0.0123, 10);
  });
});

describe('token accounting (--output-format json)', () => {
  const events = [init, assistant('msg_A', usage(100, 20, 1000, 50)), result];

  it('reads the single object', () => {
    const s = parseAgentOutput(`${JSON.stringify(result)}\n`);
    expect(s.usage.input_tokens).toBe(310);
    expect(s.costUsd).toBe(0.0123);
    expect(s.sessionId).toBe(SESSION);
  });

  it('reads the --verbose array on one line and one element per line', () => {
    const oneLine = parseAgentOutput(JSON.stringify(events));
    const perLine = parseAgentOutput(`[${events.map((e) => JSON.stringify(e)).join(',\n ')}]\n`);
    for (const s of [oneLine, perLine]) {
      expect(s.usage.input_tokens).toBe(310);
      expect(s.model).toBe('claude-opus-4-1-20250805');
      expect(s.sessionId).toBe(SESSION);
      expect(s.assistantMessages).toBe(1);
    }
  });

  it('reads pretty-printed object and array documents', () => {
    for (const doc of [JSON.stringify(result, null, 2), JSON.stringify(events, null, 2)]) {
      const s = parseAgentOutput(doc);
      expect(s.usage).toEqual({
        input_tokens: 310,
        output_tokens: 65,
        cache_read_tokens: 3000,
        cache_creation_tokens: 50,
      });
      expect(s.costUsd).toBe(0.0123);
    }
  });
});

describe('usage limits', () => {
  it('reads a rejected rate_limit_event and its reset time', () => {
    const s = parseAgentOutput(
      [
        JSON.stringify({
          type: 'rate_limit_event',
          rate_limit_info: { status: 'rejected', resetsAt: 1900000000, rateLimitType: 'five_hour' },
        }),
        JSON.stringify({ type: 'rate_limit_event', rate_limit_info: { status: 'allowed' } }),
        JSON.stringify({
          type: 'result',
          subtype: 'error_during_execution',
          is_error: true,
          result: 'Claude AI usage limit reached|1900000000',
        }),
      ].join('\n'),
    );
    expect(s.rateLimit).toEqual({
      status: 'rejected',
      resetsAt: '2030-03-17T17:46:40.000Z',
      limitType: 'five_hour',
    });
    expect(detectUsageLimit(s)).toEqual({
      resetAt: '2030-03-17T17:46:40.000Z',
      message: 'Claude AI usage limit reached',
    });
  });

  it('reads the reset from a `...|<unix seconds>` result text alone', () => {
    const s = parseAgentOutput(
      JSON.stringify({
        type: 'result',
        is_error: true,
        result: 'Claude AI usage limit reached|1900000000',
      }),
    );
    expect(detectUsageLimit(s)?.resetAt).toBe('2030-03-17T17:46:40.000Z');
  });

  it('reads the reset from the prose of a limit message, against the given clock', () => {
    const now = Date.UTC(2026, 10, 20, 12, 0, 0);
    const limit = parseAgentOutput(
      JSON.stringify({
        type: 'result',
        is_error: true,
        result: "You've hit your weekly limit · resets Dec 1, 9am (Europe/Berlin)",
      }),
    );
    expect(detectUsageLimit(limit, now)).toEqual({
      resetAt: '2026-12-01T08:00:00.000Z',
      message: "You've hit your weekly limit · resets Dec 1, 9am (Europe/Berlin)",
    });
    const relative = parseAgentOutput(
      JSON.stringify({
        type: 'result',
        is_error: true,
        result: 'Usage limit reached. Try again in 3 hours.',
      }),
    );
    expect(detectUsageLimit(relative, now)?.resetAt).toBe('2026-11-20T15:00:00.000Z');
  });

  it('knows a limit message without a reset time, and ignores other errors', () => {
    const limit = parseAgentOutput(
      JSON.stringify({
        type: 'result',
        is_error: true,
        result: "You've hit your weekly limit · resets soon",
      }),
    );
    expect(detectUsageLimit(limit)).toEqual({
      resetAt: null,
      message: "You've hit your weekly limit · resets soon",
    });
    const other = parseAgentOutput(
      JSON.stringify({ type: 'result', is_error: true, result: 'Tool failed' }),
    );
    expect(detectUsageLimit(other)).toBeNull();
    const okText = parseAgentOutput(
      JSON.stringify({ type: 'result', is_error: false, result: 'Added a rate limit to the API' }),
    );
    expect(detectUsageLimit(okText)).toBeNull();
  });
});
