import { clip, type TokenUsage } from '@program-nova/core';
import type { ContentBlock, ToolResult, TranscriptEntry, Turn } from './types.js';

/** What reading a line needs to remember from earlier lines. */
export interface ReadContext {
  maxInputChars: number;
  maxResultChars: number;
  /** Turn count and the id of the last assistant message. */
  turns: number;
  lastMessageId: string | null;
  /** Tool call id -> tool name, so a result can say which call it answers. */
  toolNames: Map<string, string>;
}

/** Tool ids remembered at most (a log of a very long session must not grow this without bound). */
const MAX_TOOL_NAMES = 10_000;
const NOVA_PREFIX = '# nova:';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const count = (v: unknown): number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;

/** Claude's API usage object -> the state's TokenUsage spelling. */
function usageOf(v: unknown): TokenUsage | null {
  if (!isRecord(v)) return null;
  return {
    input_tokens: count(v.input_tokens),
    output_tokens: count(v.output_tokens),
    cache_read_tokens: count(v.cache_read_input_tokens),
    cache_creation_tokens: count(v.cache_creation_input_tokens),
  };
}

/** Unix seconds or milliseconds, or a date string -> ISO time; null when unusable. */
function isoTime(v: unknown): string | null {
  let ms: number;
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) ms = v > 1e12 ? v : v * 1000;
  else if (typeof v === 'string' && /^\d{9,13}$/.test(v.trim())) return isoTime(Number(v));
  else if (typeof v === 'string') ms = Date.parse(v);
  else return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function stringify(value: unknown, max: number): string {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    text = String(value);
  }
  return clip(text, max);
}

/** The one thing a tool call acts on, for a one-line summary. */
function targetOf(input: Json): string | null {
  const found =
    str(input.command) ??
    str(input.file_path) ??
    str(input.notebook_path) ??
    str(input.path) ??
    str(input.pattern) ??
    str(input.url) ??
    str(input.query) ??
    str(input.description) ??
    str(input.prompt);
  if (found === null) return null;
  const first = found.split('\n').find((l) => l.trim() !== '') ?? '';
  return clip(first.trim(), 300);
}

function blockOf(block: unknown, ctx: ReadContext): ContentBlock {
  if (!isRecord(block))
    return { type: 'other', blockType: null, json: stringify(block, ctx.maxInputChars) };
  switch (block.type) {
    case 'text':
      if (typeof block.text === 'string')
        return { type: 'text', text: clip(block.text, ctx.maxResultChars) };
      break;
    case 'thinking':
      if (typeof block.thinking === 'string')
        return { type: 'thinking', text: clip(block.thinking, ctx.maxResultChars) };
      break;
    case 'tool_use':
    case 'server_tool_use': {
      const input = isRecord(block.input) ? block.input : {};
      const id = str(block.id);
      const name = str(block.name) ?? 'tool';
      if (id !== null) {
        if (ctx.toolNames.size >= MAX_TOOL_NAMES) ctx.toolNames.clear();
        ctx.toolNames.set(id, name);
      }
      return {
        type: 'tool_use',
        id,
        name,
        target: targetOf(input),
        input: stringify(block.input ?? {}, ctx.maxInputChars),
      };
    }
  }
  return {
    type: 'other',
    blockType: str(block.type),
    json: stringify(block, ctx.maxInputChars),
  };
}

/** A tool result's content (a string, or text blocks) as text. */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content))
    return content === undefined || content === null ? '' : stringify(content, 100_000);
  return content
    .map((part) => {
      if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') return part.text;
      if (isRecord(part) && typeof part.type === 'string') return `[${part.type}]`;
      return typeof part === 'string' ? part : '';
    })
    .join('\n');
}

function userEntry(message: unknown, ctx: ReadContext) {
  const results: ToolResult[] = [];
  const texts: string[] = [];
  const content = isRecord(message) ? message.content : undefined;
  if (typeof content === 'string') texts.push(content);
  else if (Array.isArray(content)) {
    for (const block of content) {
      if (!isRecord(block)) continue;
      if (block.type === 'tool_result') {
        const id = str(block.tool_use_id);
        const full = resultText(block.content);
        const text = clip(full, ctx.maxResultChars);
        results.push({
          toolUseId: id,
          toolName: id === null ? null : (ctx.toolNames.get(id) ?? null),
          text,
          isError: block.is_error === true,
          clipped: text !== full,
        });
      } else if (block.type === 'text' && typeof block.text === 'string') {
        texts.push(block.text);
      }
    }
  }
  return {
    kind: 'user' as const,
    text: texts.length > 0 ? clip(texts.join('\n'), ctx.maxResultChars) : null,
    results,
  };
}

function assistantEntry(message: Json, ctx: ReadContext) {
  const messageId = str(message.id);
  if (messageId === null || messageId !== ctx.lastMessageId) ctx.turns++;
  ctx.lastMessageId = messageId;
  const turn: Turn = {
    index: ctx.turns,
    messageId,
    model: str(message.model),
    usage: usageOf(message.usage),
  };
  const content = message.content;
  const blocks = Array.isArray(content)
    ? content.map((b) => blockOf(b, ctx))
    : typeof content === 'string'
      ? [{ type: 'text' as const, text: clip(content, ctx.maxResultChars) }]
      : [];
  return { kind: 'assistant' as const, turn, blocks };
}

type Body = TranscriptEntry extends infer E
  ? E extends unknown
    ? Omit<E, 'line' | 'raw'>
    : never
  : never;

/** An event of a known type, or null when its shape is not the one this package knows. */
function eventEntry(event: Json, ctx: ReadContext): Body | null {
  switch (event.type) {
    case 'system':
      if (event.subtype === 'init' || event.subtype === undefined) {
        return {
          kind: 'init',
          model: str(event.model),
          sessionId: str(event.session_id),
          cwd: str(event.cwd),
          tools: Array.isArray(event.tools)
            ? event.tools.filter((t): t is string => typeof t === 'string')
            : [],
        };
      }
      return { kind: 'system', subtype: str(event.subtype) };
    case 'assistant':
      return isRecord(event.message) ? assistantEntry(event.message, ctx) : null;
    case 'user':
      return isRecord(event.message) ? userEntry(event.message, ctx) : null;
    case 'result': {
      const text = typeof event.result === 'string' ? clip(event.result, ctx.maxResultChars) : null;
      const subtype = str(event.subtype);
      return {
        kind: 'result',
        isError: event.is_error === true || (subtype?.startsWith('error') ?? false),
        subtype,
        text,
        numTurns: num(event.num_turns),
        durationMs: num(event.duration_ms),
        costUsd: num(event.total_cost_usd),
        usage: usageOf(event.usage),
      };
    }
    case 'rate_limit_event': {
      const info = isRecord(event.rate_limit_info) ? event.rate_limit_info : event;
      return {
        kind: 'rate_limit',
        status: str(info.status),
        resetsAt: isoTime(info.resetsAt),
        limitType: str(info.rateLimitType),
      };
    }
    default:
      return null;
  }
}

/** Reads one line (without its `\n`) into an entry. Never throws. */
export function readLine(raw: string, line: number, ctx: ReadContext): TranscriptEntry {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (text.startsWith(NOVA_PREFIX)) {
    return { line, raw, kind: 'nova', text: text.slice(NOVA_PREFIX.length).trimStart() };
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let value: unknown;
    let parsed = false;
    try {
      value = JSON.parse(trimmed);
      parsed = true;
    } catch {
      // Not JSON after all: plain output that happens to start with a brace.
    }
    if (parsed) {
      const body = isRecord(value) ? eventEntry(value, ctx) : null;
      if (body !== null) return { line, raw, ...body } as TranscriptEntry;
      return {
        line,
        raw,
        kind: 'unknown',
        type: isRecord(value) ? str(value.type) : null,
      };
    }
  }
  return { line, raw, kind: 'output', text };
}
