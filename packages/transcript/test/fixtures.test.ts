/**
 * Fixture pairs: every `fixtures/x.txt` (a log) is read whole and compared with `fixtures/x.json` (its
 * entries). `UPDATE_FIXTURES=1 pnpm exec vitest run test/fixtures.test.ts` writes missing or
 * changed JSON files (review the diff before committing them).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTranscriptParser, parseTranscript } from '../src/index.js';

const dir = join(import.meta.dirname, 'fixtures');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.slice(0, -4))
  .sort();

describe('fixtures', () => {
  it('has the reference shapes', () => {
    expect(names).toEqual(['claude-code', 'plain-agent', 'unknown-events', 'usage-limit-crlf']);
  });

  it.each(names)('%s', (name) => {
    const text = readFileSync(join(dir, `${name}.txt`), 'utf8');
    const entries = parseTranscript(text);
    const file = join(dir, `${name}.json`);
    if (process.env.UPDATE_FIXTURES === '1' || !existsSync(file)) {
      writeFileSync(file, `${JSON.stringify(entries, null, 2)}\n`);
    }
    expect(entries).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    // Byte by byte gives the same entries as the whole text.
    const bytes = new TextEncoder().encode(text);
    const parser = createTranscriptParser();
    const fed = [];
    for (let i = 0; i < bytes.length; i++) fed.push(...parser.push(bytes.subarray(i, i + 1)));
    fed.push(...parser.end());
    expect(fed).toEqual(entries);
  });
});

describe('a Claude Code log', () => {
  const entries = parseTranscript(readFileSync(join(dir, 'claude-code.txt'), 'utf8'));
  const kinds = entries.map((e) => e.kind);

  it('reads every line into one entry of the right kind', () => {
    expect(kinds).toEqual([
      'nova',
      'nova',
      'nova',
      'init',
      'assistant',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
      'result',
      'nova',
    ]);
    expect(entries.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('names tool calls by tool and target, and pairs results with their call', () => {
    const calls = entries.flatMap((e) =>
      e.kind === 'assistant' ? e.blocks.filter((b) => b.type === 'tool_use') : [],
    );
    expect(calls.map((c) => [c.name, c.target])).toEqual([
      ['Bash', 'ls src/routes && npm test -- --run'],
      ['Edit', '/work/todo-api/src/routes/todos.ts'],
    ]);
    const results = entries.flatMap((e) => (e.kind === 'user' ? e.results : []));
    expect(results.map((r) => [r.toolName, r.isError])).toEqual([
      ['Bash', false],
      ['Edit', true],
    ]);
    expect(results[1]!.text).toBe('String to replace not found in file.');
  });

  it('counts turns by message id, each with its usage', () => {
    const turns = entries.flatMap((e) => (e.kind === 'assistant' ? [e.turn] : []));
    expect(turns.map((t) => t.index)).toEqual([1, 1, 2, 3]);
    expect(turns[2]!.usage).toEqual({
      input_tokens: 8,
      output_tokens: 212,
      cache_read_tokens: 18160,
      cache_creation_tokens: 512,
    });
    const result = entries.find((e) => e.kind === 'result');
    expect(result).toMatchObject({ isError: false, numTurns: 3, costUsd: 0.0482 });
  });
});
