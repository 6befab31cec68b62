import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTranscriptParser, parseTranscript, TranscriptError } from '../src/index.js';

/** Lines that look like what agents print, so the properties reach every reader, not only plain text. */
const lineish = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '# nova: task A, attempt started',
    '{"type":"assistant","message":{"id":"m","content":[{"type":"tool_use","id":"t","name":"Bash","input":{"command":"ls"}}],"usage":{"input_tokens":1}}}',
    '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"ok"}]}]}}',
    '{"type":"result","is_error":true,"result":"x"}',
    '{"type":"system","subtype":"init"}',
    '{"type":"mystery"}',
    '{"type":"assistant","message":{"content":[1,null,{"type":"text"}]}}',
    '[1,2]',
    '{',
    '\r',
  ),
  fc.json(),
);
const logText = fc.array(lineish, { maxLength: 30 }).map((lines) => lines.join('\n'));

/** Cut points, as fractions of the length, to split a text into pieces. */
function pieces<T extends string | Uint8Array>(text: T, cuts: number[]): T[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * text.length)))].sort((a, b) => a - b);
  const out: T[] = [];
  let start = 0;
  for (const cut of at) {
    out.push(text.slice(start, cut) as T);
    start = cut;
  }
  out.push(text.slice(start) as T);
  return out;
}

const cutsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 });

describe('properties', () => {
  it('any bytes in, in any pieces: never throws, one entry per line', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), cutsArb, (bytes, cuts) => {
        const parser = createTranscriptParser();
        const entries = [];
        for (const piece of pieces(bytes, cuts)) entries.push(...parser.push(piece));
        entries.push(...parser.end());
        const text = new TextDecoder().decode(bytes);
        const lines = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
        expect(entries).toHaveLength(lines);
      }),
      { numRuns: 1000 },
    );
  });

  it('raw text is preserved: the lines of the entries are the log', () => {
    fc.assert(
      fc.property(logText, fc.boolean(), (text, newline) => {
        const input = newline ? `${text}\n` : text;
        const entries = parseTranscript(input);
        const back = entries.map((e) => e.raw).join('\n') + (input.endsWith('\n') ? '\n' : '');
        expect(back).toBe(input);
      }),
      { numRuns: 500 },
    );
  });

  it('feeding pieces gives the same entries as the whole text, wherever the cuts fall', () => {
    fc.assert(
      fc.property(logText, cutsArb, (text, cuts) => {
        const whole = parseTranscript(text);
        const parser = createTranscriptParser();
        const fed = [];
        for (const piece of pieces(text, cuts)) fed.push(...parser.push(piece));
        fed.push(...parser.end());
        expect(fed).toEqual(whole);
        // Bytes cut inside a multi-byte character decode the same too.
        const bytes = new TextEncoder().encode(text);
        const byteParser = createTranscriptParser();
        const fedBytes = [];
        for (const piece of pieces(bytes, cuts)) fedBytes.push(...byteParser.push(piece));
        fedBytes.push(...byteParser.end());
        expect(fedBytes).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });

  it('clips what it shows, never what it keeps', () => {
    const long = 'x'.repeat(50_000);
    const line = JSON.stringify({
      type: 'user',
      message: { content: [{ type: 'tool_result', tool_use_id: 't', content: long }] },
    });
    const [entry] = parseTranscript(line, { maxResultChars: 100 });
    expect(entry?.kind).toBe('user');
    if (entry?.kind !== 'user') return;
    expect(entry.results[0]!.text).toHaveLength(100);
    expect(entry.results[0]!.clipped).toBe(true);
    expect(entry.raw).toBe(line);
  });

  it('numbers lines from firstLine, and refuses bad options with E_INVALID_OPTION', () => {
    expect(parseTranscript('a\nb', { firstLine: 41 }).map((e) => e.line)).toEqual([41, 42]);
    for (const bad of [{ maxInputChars: 0 }, { maxResultChars: 1.5 }, { firstLine: -1 }]) {
      const error = (() => {
        try {
          createTranscriptParser(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(TranscriptError);
      expect((error as TranscriptError).code).toBe('E_INVALID_OPTION');
    }
  });
});
