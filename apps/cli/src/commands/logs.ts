import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import {
  clip,
  formatCost,
  formatDuration,
  formatTokens,
  logFileName,
  oneLine,
  type TokenUsage,
} from '@program-nova/core';
import { costOf } from '@program-nova/state';
import { readState } from '@program-nova/state/store';
import {
  type ContentBlock,
  createTranscriptParser,
  type TranscriptEntry,
} from '@program-nova/transcript';
import { CliError, EXIT } from '../core/cli-error.js';
import type { Colors } from '../core/colors.js';
import type { Command, CommandContext } from '../core/command.js';
import { loadState, STATE_OPTION, stateFileOf } from '../core/state-paths.js';
import { terminalLines, terminalText } from '../core/terminal-text.js';

export const logsCommand: Command = {
  name: 'logs',
  summary: "print a task's log, or follow it while it runs",
  usage: ['nova logs <id> [-f] [--pretty | --raw] [--state file]'],
  details: [
    "Prints the task's log (its worker's stdout and stderr). With -f it keeps printing what is",
    'appended until the task is no longer running (waiting for it to start if it has not), or',
    'until Ctrl-C.',
    'On a terminal the log is shown as a transcript (--pretty): the agent’s text, each tool call',
    'and result, every turn with its tokens and estimated cost, the final result, and Nova’s own',
    'lines; control characters from the log are shown as visible escapes. --raw prints the lines',
    'as written (still escaped on a terminal); piped or redirected, the log is copied byte for',
    'byte unless --pretty is given.',
  ].join('\n'),
  examples: ['nova logs API-03', 'nova logs API-08 -f', 'nova logs API-03 --raw | jq .type'],
  options: {
    follow: { type: 'boolean', short: 'f', description: 'keep printing while the task runs' },
    pretty: { type: 'boolean', description: 'a readable transcript (the default on a terminal)' },
    raw: { type: 'boolean', description: 'the log lines as written' },
    ...STATE_OPTION,
    logs: {
      type: 'string',
      valueName: 'dir',
      description: 'logs folder, if it is not the one the state records',
    },
  },
  maxPositionals: 1,
  async run(ctx) {
    const id = ctx.positionals[0];
    if (id === undefined)
      throw new CliError('E_USAGE', 'name the task: nova logs <id>', { command: 'logs' });
    if (ctx.values.pretty === true && ctx.values.raw === true) {
      throw new CliError('E_USAGE', '--pretty and --raw exclude each other', { command: 'logs' });
    }
    const stateFile = stateFileOf(ctx);
    const state = await loadState(ctx);
    const task = state.tasks[id];
    if (!task) throw new CliError('E_INVALID_INPUT', `no task ${terminalText(id)} in ${stateFile}`);
    const logsFlag = typeof ctx.values.logs === 'string' ? ctx.values.logs : undefined;
    const path = logsFlag
      ? join(logsFlag, logFileName(id))
      : (task.log_path ?? join(dirname(stateFile), 'logs', logFileName(id)));
    const tty = ctx.stdout.isTTY === true;
    const pretty = ctx.values.pretty === true || (ctx.values.raw !== true && tty);
    const out = pretty ? transcriptWriter(ctx) : rawWriter(ctx, tty);
    if (!ctx.values.follow) {
      const printed = await copyFrom(path, 0, out);
      out.end();
      if (printed === null) {
        ctx.stderr.write(`nova: no log for ${terminalText(id)} yet (it is ${task.status})\n`);
      }
      return EXIT.ok;
    }
    return follow(id, path, stateFile, out);
  },
};

/** Where the bytes of a log go: written as they come, the rest at the end. */
interface LogWriter {
  write(bytes: Buffer): void;
  end(): void;
}

/**
 * The log as written. To a terminal, line by line through terminalLines (an escape sequence in an
 * agent's output shows as text, never acts); anywhere else byte for byte, decoded so that a
 * character cut between two reads is written whole.
 */
function rawWriter(ctx: CommandContext, tty: boolean): LogWriter {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  return {
    write(bytes) {
      const text = decoder.write(bytes);
      if (!tty) {
        ctx.stdout.write(text);
        return;
      }
      pending += text;
      const nl = pending.lastIndexOf('\n');
      if (nl === -1) return;
      ctx.stdout.write(`${terminalLines(pending.slice(0, nl))}\n`);
      pending = pending.slice(nl + 1);
    },
    end() {
      const rest = pending + decoder.end();
      pending = '';
      if (rest !== '') ctx.stdout.write(tty ? `${terminalLines(rest)}\n` : rest);
    },
  };
}

/** The log read as a transcript (@program-nova/transcript), printed entry by entry. */
function transcriptWriter(ctx: CommandContext): LogWriter {
  const parser = createTranscriptParser();
  const c = ctx.colors.stdout;
  let turn = 0;
  const print = (entries: TranscriptEntry[]) => {
    const lines: string[] = [];
    for (const entry of entries) {
      if (entry.kind === 'assistant' && entry.turn.index !== turn) {
        turn = entry.turn.index;
        lines.push(c.bold(turnLine(entry.turn.index, entry.turn.model, entry.turn.usage)));
      }
      lines.push(...entryLines(entry, c));
    }
    if (lines.length > 0) ctx.stdout.write(`${lines.join('\n')}\n`);
  };
  return {
    write: (bytes) => print(parser.push(bytes)),
    end: () => print(parser.end()),
  };
}

function turnLine(index: number, model: string | null, usage: TokenUsage | null): string {
  const parts = [`── turn ${index}`];
  if (model) parts.push(terminalText(model));
  if (usage) {
    parts.push(
      `${formatTokens(usage.input_tokens)} in`,
      `${formatTokens(usage.output_tokens)} out`,
      `${formatTokens(usage.cache_read_tokens)} cache read`,
      `${formatTokens(usage.cache_creation_tokens)} cache write`,
    );
    const cost = costOf(usage, model);
    if (cost !== null) parts.push(`≈${formatCost(cost)}`);
  }
  return parts.join(' · ');
}

const indent = (text: string, prefix = '  ') =>
  terminalLines(text)
    .split('\n')
    .map((line) => `${prefix}${line}`);

/** The first `max` lines of a text, and how many more there are. */
function firstLines(text: string, max: number): { head: string; more: number } {
  const lines = text.split('\n');
  return { head: lines.slice(0, max).join('\n'), more: Math.max(0, lines.length - max) };
}

function blockLines(block: ContentBlock, c: Colors): string[] {
  switch (block.type) {
    case 'text':
      return indent(block.text);
    case 'thinking': {
      const { head, more } = firstLines(block.text, 3);
      return indent(`thinking: ${head}${more ? ` (+${more} lines)` : ''}`).map(c.dim);
    }
    case 'tool_use': {
      const what = block.target ?? oneLine(block.input, 200);
      return [`  ${c.cyan(`→ ${terminalText(block.name)}`)} ${terminalText(what)}`];
    }
    case 'other':
      return [c.dim(`  [${terminalText(block.blockType ?? 'block')}]`)];
  }
}

function entryLines(entry: TranscriptEntry, c: Colors): string[] {
  switch (entry.kind) {
    case 'nova':
      return [c.dim(`# nova: ${terminalText(entry.text)}`)];
    case 'output':
      return entry.text === '' ? [] : [terminalText(entry.text)];
    case 'init':
      return [
        c.dim(
          `session ${terminalText(entry.sessionId ?? '?')} · model ${terminalText(entry.model ?? '?')}${entry.cwd ? ` · cwd ${terminalText(entry.cwd)}` : ''}`,
        ),
      ];
    case 'system':
      return [c.dim(`system: ${terminalText(entry.subtype ?? '?')}`)];
    case 'assistant':
      return entry.blocks.flatMap((b) => blockLines(b, c));
    case 'user': {
      const lines = entry.text ? indent(`user: ${entry.text}`) : [];
      for (const r of entry.results) {
        const { head, more } = firstLines(r.text.trim(), 1);
        const label = `${r.isError ? '✕' : '←'} ${r.toolName ?? 'result'}`;
        const line = `  ${r.isError ? c.red(label) : c.dim(label)} ${terminalText(clip(head, 200))}${more ? c.dim(` (+${more} lines)`) : ''}`;
        lines.push(line);
      }
      return lines;
    }
    case 'result': {
      const facts = [
        entry.numTurns !== null ? `${entry.numTurns} turns` : null,
        entry.durationMs !== null ? formatDuration(entry.durationMs) : null,
        entry.costUsd !== null ? formatCost(entry.costUsd) : null,
      ].filter((f) => f !== null);
      const head = entry.isError
        ? c.red(`✕ error result${entry.subtype ? ` (${terminalText(entry.subtype)})` : ''}`)
        : c.green('✓ result');
      return [
        `${head}${facts.length ? c.dim(` · ${facts.join(' · ')}`) : ''}`,
        ...(entry.text ? indent(entry.text) : []),
      ];
    }
    case 'rate_limit':
      return [
        c.yellow(
          `rate limit: ${terminalText(entry.status ?? '?')}${entry.limitType ? ` (${terminalText(entry.limitType)})` : ''}${entry.resetsAt ? `, resets at ${entry.resetsAt}` : ''}`,
        ),
      ];
    case 'unknown':
      return [c.dim(terminalText(clip(entry.raw, 300)))];
  }
}

/** Writes the file from `offset` to its current end; null when it does not exist. */
async function copyFrom(path: string, offset: number, out: LogWriter): Promise<number | null> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError('E_INVALID_INPUT', `cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const buffer = Buffer.alloc(64 * 1024);
    let at = offset;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
      if (bytesRead === 0) break;
      out.write(Buffer.from(buffer.subarray(0, bytesRead)));
      at += bytesRead;
    }
    return at;
  } finally {
    await handle.close();
  }
}

async function follow(id: string, path: string, stateFile: string, out: LogWriter) {
  let offset = 0;
  let stop = false;
  const onSignal = () => {
    stop = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let seenRunning = false;
    while (!stop) {
      offset = (await copyFrom(path, offset, out)) ?? offset;
      const status = await readState(stateFile)
        .then((s) => s.tasks[id]?.status)
        .catch(() => undefined);
      if (status === 'in_progress') seenRunning = true;
      // Ends once the task has finished (or was never going to run here) and the log is drained.
      const finished =
        status === 'completed' || status === 'failed' || (seenRunning && status !== 'in_progress');
      if (finished) {
        await copyFrom(path, offset, out);
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    out.end();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return EXIT.ok;
}
