/**
 * @program-nova/transcript: a task log read into a transcript (the agent's text, tool calls and
 * results, turns with their tokens, the final result, Nova's own lines, plain output), fed piece by
 * piece as the log grows. Browser-safe: no Node APIs; the dashboard and `nova logs` share it.
 */
export { TranscriptError, type TranscriptErrorCode } from './errors.js';
export { createTranscriptParser, parseTranscript, type TranscriptParser } from './parser.js';
export type {
  ContentBlock,
  TokenUsage,
  ToolResult,
  TranscriptEntry,
  TranscriptEntryKind,
  TranscriptOptions,
  Turn,
} from './types.js';
