/**
 * Token accounting over a coding agent's stdout (Claude Code headless output). Pure: bytes in,
 * summary out; no I/O. Handles `--output-format stream-json` (one event per line), the single
 * object of `--output-format json`, and the array that `--output-format json --verbose` prints.
 */
import { addUsage, clip, type TokenUsage, zeroUsage } from '@program-nova/core';
import { createLineSplitter } from './line-splitter.js';
import { epochMs, parseResetTime, RESET_SUFFIX } from './reset-time.js';
import type { AgentOutputSummary, AgentResultInfo, RateLimitInfo, UsageTracker } from './types.js';

export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;
/** A whole-output JSON document (pretty-printed `--output-format json`) is only kept up to this size. */
const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
const MAX_RESULT_TEXT = 4000;
const MAX_ACTIVITY = 200;

const count = (v: unknown): number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Claude's API usage object (snake_case) -> TokenUsage. */
function apiUsage(u: Record<string, unknown>): TokenUsage {
  return {
    input_tokens: count(u.input_tokens),
    output_tokens: count(u.output_tokens),
    cache_read_tokens: count(u.cache_read_input_tokens),
    cache_creation_tokens: count(u.cache_creation_input_tokens),
  };
}

/** An entry of the result's `modelUsage` (camelCase). */
function modelUsageEntry(u: Record<string, unknown>): TokenUsage & { costUsd: number | null } {
  return {
    input_tokens: count(u.inputTokens),
    output_tokens: count(u.outputTokens),
    cache_read_tokens: count(u.cacheReadInputTokens),
    cache_creation_tokens: count(u.cacheCreationInputTokens),
    costUsd: typeof u.costUSD === 'number' && Number.isFinite(u.costUSD) ? u.costUSD : null,
  };
}

function sub(a: TokenUsage, b: TokenUsage): TokenUsage {
  return addUsage(a, {
    input_tokens: -b.input_tokens,
    output_tokens: -b.output_tokens,
    cache_read_tokens: -b.cache_read_tokens,
    cache_creation_tokens: -b.cache_creation_tokens,
  });
}

function max(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input_tokens: Math.max(a.input_tokens, b.input_tokens),
    output_tokens: Math.max(a.output_tokens, b.output_tokens),
    cache_read_tokens: Math.max(a.cache_read_tokens, b.cache_read_tokens),
    cache_creation_tokens: Math.max(a.cache_creation_tokens, b.cache_creation_tokens),
  };
}

/** Unix seconds (or milliseconds, or an ISO string) -> ISO time; null when unusable. */
function toIsoTime(v: unknown): string | null {
  let ms: number;
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) ms = epochMs(v);
  else if (typeof v === 'string' && /^\d{9,13}$/.test(v.trim())) return toIsoTime(Number(v));
  else if (typeof v === 'string') ms = Date.parse(v);
  else return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * Parses one stdout line into zero or more events. Besides plain JSON lines it accepts the lines
 * of a JSON array printed one element per line (`[{...},` / ` {...},` / ` {...}]`).
 */
function eventsOfLine(line: string): unknown[] {
  let t = line.trim();
  if (t === '' || (t[0] !== '{' && t[0] !== '[')) return [];
  let value: unknown;
  try {
    value = JSON.parse(t);
  } catch {
    if (t.startsWith('[')) t = t.slice(1).trimStart();
    if (t.endsWith(',')) t = t.slice(0, -1).trimEnd();
    if (t.endsWith(']')) t = t.slice(0, -1).trimEnd();
    if (!t.startsWith('{')) return [];
    try {
      value = JSON.parse(t);
    } catch {
      return [];
    }
  }
  return Array.isArray(value) ? value : [value];
}

function describeContent(content: unknown): string | null {
  if (!Array.isArray(content)) return null;
  let found: string | null = null;
  for (const block of content) {
    if (!isRecord(block)) continue;
    if (block.type === 'tool_use') {
      const input = isRecord(block.input) ? block.input : {};
      const detail =
        str(input.command) ??
        str(input.file_path) ??
        str(input.path) ??
        str(input.pattern) ??
        str(input.description) ??
        str(input.url) ??
        '';
      const name = str(block.name) ?? 'tool';
      found = detail ? `${name}: ${detail}` : name;
    } else if (block.type === 'text' && typeof block.text === 'string') {
      const first = block.text
        .split('\n')
        .map((l) => l.trim())
        .find((l) => l !== '');
      if (first) found = first;
    }
  }
  return found === null ? null : clip(found.replace(/\s+/g, ' '), MAX_ACTIVITY);
}

interface TrackerOptions {
  maxLineBytes?: number;
}

/** Incremental token accounting: feed stdout chunks as they arrive, read `summary()` any time. */
export function createUsageTracker(options: TrackerOptions = {}): UsageTracker {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;

  let byId = new Map<string, TokenUsage>();
  let assistantSum = zeroUsage();
  let assistantMessages = 0;
  let resultUsage: TokenUsage | null = null;
  let costUsd: number | null = null;
  let initModel: string | null = null;
  let messageModel: string | null = null;
  let resultModel: string | null = null;
  let sessionId: string | null = null;
  let result: AgentResultInfo | null = null;
  let rateLimit: RateLimitInfo | null = null;
  let modelUsage: AgentOutputSummary['modelUsage'] = null;
  let events = 0;
  let activity: string | null = null;
  let changed = false;

  // The whole output, kept only while it could be one (pretty-printed) JSON document.
  let doc: Buffer[] | null = [];
  let docBytes = 0;
  let sawNonSpace = false;

  const reset = () => {
    byId = new Map();
    assistantSum = zeroUsage();
    assistantMessages = 0;
    resultUsage = null;
    costUsd = null;
    initModel = null;
    messageModel = null;
    resultModel = null;
    sessionId = null;
    result = null;
    rateLimit = null;
    modelUsage = null;
    events = 0;
    activity = null;
  };

  const onEvent = (ev: unknown) => {
    if (!isRecord(ev) || typeof ev.type !== 'string') return;
    events += 1;
    switch (ev.type) {
      case 'system': {
        if (ev.subtype !== 'init' && ev.subtype !== undefined) return;
        initModel = str(ev.model) ?? initModel;
        sessionId = str(ev.session_id) ?? sessionId;
        changed = true;
        return;
      }
      case 'assistant': {
        const msg = isRecord(ev.message) ? ev.message : null;
        if (!msg) return;
        messageModel = str(msg.model) ?? messageModel;
        sessionId = sessionId ?? str(ev.session_id);
        const step = describeContent(msg.content);
        if (step) activity = step;
        if (isRecord(msg.usage)) {
          const u = apiUsage(msg.usage);
          const id = str(msg.id);
          if (id === null) {
            // Without an id nothing can be deduplicated: count the message.
            assistantSum = addUsage(assistantSum, u);
            assistantMessages += 1;
          } else {
            const prev = byId.get(id);
            if (prev === undefined) {
              byId.set(id, u);
              assistantSum = addUsage(assistantSum, u);
              assistantMessages += 1;
            } else {
              // The same message repeated per content block (or growing while streamed):
              // count it once, with its largest figures.
              const next = max(prev, u);
              byId.set(id, next);
              assistantSum = addUsage(sub(assistantSum, prev), next);
            }
          }
        }
        changed = true;
        return;
      }
      case 'result': {
        const numTurns =
          typeof ev.num_turns === 'number' && Number.isFinite(ev.num_turns) ? ev.num_turns : null;
        result = {
          isError: ev.is_error === true,
          subtype: str(ev.subtype),
          text: typeof ev.result === 'string' ? clip(ev.result, MAX_RESULT_TEXT) : null,
          numTurns,
          durationMs:
            typeof ev.duration_ms === 'number' && Number.isFinite(ev.duration_ms)
              ? ev.duration_ms
              : null,
        };
        sessionId = str(ev.session_id) ?? sessionId;
        if (isRecord(ev.modelUsage)) {
          const entries = Object.entries(ev.modelUsage).filter(([, v]) => isRecord(v));
          if (entries.length > 0) {
            modelUsage = {};
            let best: { model: string; cost: number; out: number } | null = null;
            for (const [name, v] of entries) {
              const e = modelUsageEntry(v as Record<string, unknown>);
              modelUsage[name] = e;
              const cost = e.costUsd ?? 0;
              if (
                best === null ||
                cost > best.cost ||
                (cost === best.cost && e.output_tokens > best.out)
              ) {
                best = { model: name, cost, out: e.output_tokens };
              }
            }
            resultModel = best?.model ?? null;
          }
        }
        if (isRecord(ev.usage)) resultUsage = apiUsage(ev.usage);
        else if (modelUsage) resultUsage = Object.values(modelUsage).reduce(addUsage, zeroUsage());
        if (typeof ev.total_cost_usd === 'number' && Number.isFinite(ev.total_cost_usd)) {
          costUsd = ev.total_cost_usd;
        } else if (modelUsage) {
          const costs = Object.values(modelUsage).map((m) => m.costUsd);
          costUsd = costs.every((c) => c === null)
            ? null
            : costs.reduce<number>((a, c) => a + (c ?? 0), 0);
        }
        changed = true;
        return;
      }
      case 'rate_limit_event': {
        const info = isRecord(ev.rate_limit_info) ? ev.rate_limit_info : ev;
        const next: RateLimitInfo = {
          status: str(info.status),
          resetsAt: toIsoTime(info.resetsAt),
          limitType: str(info.rateLimitType),
        };
        // A rejection is what explains a failure: a later "allowed" must not hide it.
        if (next.status === 'rejected' || rateLimit?.status !== 'rejected') rateLimit = next;
        changed = true;
        return;
      }
      default:
        return;
    }
  };

  const splitter = createLineSplitter((line) => {
    for (const ev of eventsOfLine(line)) onEvent(ev);
    // Line-delimited output (stream-json): its lines are its events, so no copy of it is kept
    // for a whole-document parse at the end (a pretty-printed document has no such line).
    if (events > 0) doc = null;
  }, maxLineBytes);

  const keepDocument = (buf: Buffer) => {
    if (doc === null) return;
    if (!sawNonSpace) {
      const text = buf.toString('utf8').trimStart();
      if (text === '') return;
      sawNonSpace = true;
      if (text[0] !== '{' && text[0] !== '[') {
        doc = null;
        return;
      }
    }
    docBytes += buf.length;
    if (docBytes > MAX_DOCUMENT_BYTES) doc = null;
    else doc.push(Buffer.from(buf));
  };

  const summary = (): AgentOutputSummary => ({
    usage: { ...(resultUsage ?? assistantSum) },
    costUsd,
    model: resultModel ?? initModel ?? messageModel,
    sessionId,
    numTurns: result?.numTurns ?? null,
    result: result ? { ...result } : null,
    rateLimit: rateLimit ? { ...rateLimit } : null,
    modelUsage: modelUsage ? structuredClone(modelUsage) : null,
    assistantMessages,
    events,
    oversizedLines: splitter.oversized,
  });

  return {
    push(chunk) {
      const buf =
        typeof chunk === 'string'
          ? Buffer.from(chunk, 'utf8')
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      changed = false;
      keepDocument(buf);
      splitter.push(buf);
      return changed;
    },
    end() {
      changed = false;
      splitter.end();
      if (result === null && doc !== null && docBytes > 0) {
        // A pretty-printed JSON document (object or array) spans lines: parse it whole.
        let value: unknown;
        try {
          value = JSON.parse(Buffer.concat(doc).toString('utf8'));
        } catch {
          value = undefined;
        }
        if (value !== undefined) {
          reset();
          for (const ev of Array.isArray(value) ? value : [value]) onEvent(ev);
          changed = true;
        }
      }
      doc = null;
      return changed;
    },
    summary,
    lastActivity: () => activity,
  };
}

/** Token accounting of a complete output (e.g. a log read back). */
export function parseAgentOutput(
  text: string | Uint8Array,
  options: TrackerOptions = {},
): AgentOutputSummary {
  const tracker = createUsageTracker(options);
  tracker.push(text);
  tracker.end();
  return tracker.summary();
}

const LIMIT_TEXT =
  /usage limit|rate limit|(hit|reached) your .{0,40}limit|limit (reached|exceeded)|limit will reset|\b(weekly|daily|monthly|session|5-hour|five-hour) limit\b/i;

/**
 * Whether the output shows a usage/rate limit: a rejected `rate_limit_event`, or an error result
 * whose text is a limit message. The reset time comes from the event's `resetsAt`, else from the
 * result text (`parseResetTime`: the `...|<unix seconds>` form or prose such as "resets 9am
 * (Europe/Berlin)" or "try again in 3 hours", read against `now`).
 */
export function detectUsageLimit(
  summary: AgentOutputSummary,
  now: number = Date.now(),
): { resetAt: string | null; message: string | null } | null {
  const rejected = summary.rateLimit?.status === 'rejected';
  const text = summary.result?.isError ? (summary.result.text ?? '') : '';
  const textSaysLimit = text !== '' && LIMIT_TEXT.test(text);
  if (!rejected && !textSaysLimit) return null;
  let resetAt = rejected ? (summary.rateLimit?.resetsAt ?? null) : null;
  if (resetAt === null) {
    const parsed = parseResetTime(text, now);
    if (parsed !== null) resetAt = new Date(parsed).toISOString();
  }
  const message = text.replace(RESET_SUFFIX, '').trim();
  return { resetAt, message: message === '' ? null : message };
}
