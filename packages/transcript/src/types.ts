import type { TokenUsage } from '@program-nova/core';

export type { TokenUsage } from '@program-nova/core';

/**
 * One assistant message (a model turn). Claude Code prints a message once per content block, each
 * time with the same id and usage, so several entries can share one turn.
 */
export interface Turn {
  /** 1-based: the how-manieth distinct assistant message of the log (an id-less message is new). */
  index: number;
  messageId: string | null;
  model: string | null;
  /** The message's token usage as this event reports it; null when it reports none. */
  usage: TokenUsage | null;
}

/** A block of an assistant message. */
export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; text: string }
  | {
      type: 'tool_use';
      id: string | null;
      name: string;
      /** What the call acts on: its command, file path, path, pattern, URL or description. */
      target: string | null;
      /** The input as indented JSON, clipped to `maxInputChars`. */
      input: string;
    }
  /** A block of a type this package does not know: its JSON, clipped. */
  | { type: 'other'; blockType: string | null; json: string };

/** A tool result the agent was given (a `user` event's `tool_result` block). */
export interface ToolResult {
  toolUseId: string | null;
  /** Name of the call it answers, when that call appeared earlier in the same log. */
  toolName: string | null;
  /** Its text content, clipped to `maxResultChars`. */
  text: string;
  isError: boolean;
  /** True when `text` was clipped. */
  clipped: boolean;
}

interface EntryBase {
  /** 1-based line number in the text fed (counting from `firstLine`). */
  line: number;
  /** The line exactly as it was, without its `\n` (a `\r` before it is kept). */
  raw: string;
}

/** One line of a log, read. Every line yields exactly one entry, blank lines included. */
export type TranscriptEntry = EntryBase &
  (
    | { kind: 'nova'; text: string }
    | { kind: 'output'; text: string }
    | {
        kind: 'init';
        model: string | null;
        sessionId: string | null;
        cwd: string | null;
        tools: string[];
      }
    | { kind: 'system'; subtype: string | null }
    | { kind: 'assistant'; turn: Turn; blocks: ContentBlock[] }
    | { kind: 'user'; text: string | null; results: ToolResult[] }
    | {
        kind: 'result';
        isError: boolean;
        subtype: string | null;
        text: string | null;
        numTurns: number | null;
        durationMs: number | null;
        costUsd: number | null;
        usage: TokenUsage | null;
      }
    | {
        kind: 'rate_limit';
        status: string | null;
        resetsAt: string | null;
        limitType: string | null;
      }
    | { kind: 'unknown'; type: string | null }
  );

export type TranscriptEntryKind = TranscriptEntry['kind'];

export interface TranscriptOptions {
  /** Number of the first line fed (default 1), e.g. when reading starts inside a log. */
  firstLine?: number;
  /** Tool inputs and unknown blocks are clipped to this many characters (default 2,000). */
  maxInputChars?: number;
  /** Tool results and texts are clipped to this many characters (default 20,000). */
  maxResultChars?: number;
}
