import { formatCost, formatDuration, formatTokens, type TokenUsage } from '@program-nova/core';
import { costOf } from '@program-nova/state';
import type { ContentBlock, TranscriptEntry } from '@program-nova/transcript';
import {
  Fragment,
  type ReactNode,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { TaskLog } from '../data/use-task-log.js';
import { formatExactTokens } from '../format.js';

/** Entries drawn at most; earlier ones are one click away (a long session has thousands). */
const DRAWN = 1500;
/** Within this many pixels of the end counts as "at the end": the view follows new entries. */
const AT_END_PX = 32;

/**
 * The agent's log as a transcript (or, with "raw", its lines as written): it follows new entries
 * only while the reader is at the end, and otherwise offers a "jump to latest" button; it can be
 * searched, and the whole file downloaded.
 */
export function Transcript({
  log,
  live,
  downloadHref,
}: {
  log: TaskLog & { kind: 'ok' };
  live: boolean;
  downloadHref: string;
}) {
  const [raw, setRaw] = useState(false);
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(0);
  const [showAll, setShowAll] = useState(false);
  const [atEnd, setAtEnd] = useState(true);
  const [unseen, setUnseen] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const seenCount = useRef(log.entries.length);

  const entries = log.entries;
  const from = showAll ? 0 : Math.max(0, entries.length - DRAWN);
  const drawn = useMemo(() => entries.slice(from), [entries, from]);
  const turns = useMemo(() => turnFigures(entries), [entries]);
  const q = query.trim().toLowerCase();
  const matches = useMemo(
    () => (q === '' ? [] : drawn.flatMap((e, i) => (e.raw.toLowerCase().includes(q) ? [i] : []))),
    [drawn, q],
  );
  const matching = useMemo(() => new Set(matches), [matches]);

  // Follow the end like tail -f, but only while the reader is there: never pull them away.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when entries were added
  useLayoutEffect(() => {
    const el = box.current;
    const added = entries.length - seenCount.current;
    seenCount.current = entries.length;
    if (!el) return;
    if (following.current && q === '') {
      el.scrollTop = el.scrollHeight;
      setUnseen(0);
    } else if (added > 0) {
      setUnseen((n) => n + added);
    }
  }, [log.revision, raw]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    const end = el.scrollHeight - el.scrollTop - el.clientHeight <= AT_END_PX;
    following.current = end;
    setAtEnd(end);
    if (end) setUnseen(0);
  };

  const jumpToLatest = () => {
    const el = box.current;
    if (!el) return;
    following.current = true;
    setQuery('');
    el.scrollTop = el.scrollHeight;
    setAtEnd(true);
    setUnseen(0);
  };

  const showMatch = (index: number) => {
    const n = matches.length;
    if (n === 0) return;
    const next = ((index % n) + n) % n;
    setCurrent(next);
    following.current = false;
    box.current
      ?.querySelector(`[data-entry="${matches[next]}"]`)
      ?.scrollIntoView({ block: 'center' });
  };

  // A new search shows its first match (and stops following the end meanwhile).
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the search text changes
  useEffect(() => {
    if (q !== '') showMatch(0);
  }, [q]);

  let lastTurn = 0;
  return (
    <div className="transcript" data-testid="transcript">
      <div className="tx-toolbar">
        <fieldset className="filters">
          <legend className="sr-only">Show the log as</legend>
          <button
            type="button"
            className={`chip${raw ? '' : ' active'}`}
            aria-pressed={!raw}
            onClick={() => setRaw(false)}
          >
            Transcript
          </button>
          <button
            type="button"
            className={`chip${raw ? ' active' : ''}`}
            aria-pressed={raw}
            onClick={() => setRaw(true)}
            data-testid="raw-toggle"
          >
            Raw
          </button>
        </fieldset>
        <label className="tx-search">
          <span className="sr-only">Search the log</span>
          <input
            type="search"
            placeholder="Search the log"
            value={query}
            data-testid="log-search"
            onChange={(e) => {
              setQuery(e.target.value);
              setCurrent(0);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                showMatch(e.shiftKey ? current - 1 : current + 1);
              }
            }}
          />
        </label>
        {q !== '' ? (
          <span className="tx-matches" role="status" data-testid="log-matches">
            {matches.length === 0 ? 'no match' : `${current + 1} of ${matches.length}`}
            <button type="button" className="chip" onClick={() => showMatch(current - 1)}>
              <span aria-hidden="true">↑</span>
              <span className="sr-only">Previous match</span>
            </button>
            <button type="button" className="chip" onClick={() => showMatch(current + 1)}>
              <span aria-hidden="true">↓</span>
              <span className="sr-only">Next match</span>
            </button>
          </span>
        ) : null}
        <a className="chip" href={downloadHref} download data-testid="log-download">
          Download
        </a>
      </div>
      {log.skipped > 0 || from > 0 ? (
        <p className="muted">
          {log.skipped > 0
            ? `The first ${formatExactTokens(log.skipped)} bytes of ${formatExactTokens(log.size)} are not shown (download the whole log). `
            : ''}
          {from > 0 ? (
            <button type="button" className="link-button" onClick={() => setShowAll(true)}>
              Show {from.toLocaleString('en-US')} earlier entries
            </button>
          ) : null}
        </p>
      ) : null}
      <div
        className={`tx-scroll${raw ? ' raw' : ''}`}
        ref={box}
        onScroll={onScroll}
        data-testid="log-scroll"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
        tabIndex={0}
        role="log"
        aria-label="Task log"
        aria-live="off"
      >
        {drawn.length === 0 ? <p className="muted">(empty)</p> : null}
        {drawn.map((entry, i) => {
          const match = matching.has(i);
          const cls = `tx-entry${match ? ' tx-match' : ''}${match && matches[current] === i ? ' tx-current' : ''}`;
          if (raw) {
            return (
              <div key={entry.line} className={`${cls} tx-rawline`} data-entry={i}>
                {highlight(entry.raw, q)}
              </div>
            );
          }
          let header: ReactNode = null;
          if (entry.kind === 'assistant' && entry.turn.index !== lastTurn) {
            lastTurn = entry.turn.index;
            header = <TurnHeader index={entry.turn.index} figures={turns.get(entry.turn.index)} />;
          }
          return (
            <Fragment key={entry.line}>
              {header}
              <div className={`${cls} tx-${entry.kind}`} data-entry={i} data-kind={entry.kind}>
                <EntryView entry={entry} q={q} />
              </div>
            </Fragment>
          );
        })}
      </div>
      {!atEnd || unseen > 0 ? (
        <button
          type="button"
          className="jump-latest"
          onClick={jumpToLatest}
          data-testid="jump-latest"
        >
          Jump to latest{unseen > 0 ? ` (${unseen} new)` : ''}
          {live ? '' : ' (end)'}
        </button>
      ) : null}
    </div>
  );
}

interface TurnFigures {
  model: string | null;
  usage: TokenUsage | null;
}

/** Each turn's figures: the last event of a turn carries its final usage. */
function turnFigures(entries: TranscriptEntry[]): Map<number, TurnFigures> {
  const map = new Map<number, TurnFigures>();
  for (const e of entries) {
    if (e.kind !== 'assistant') continue;
    const prev = map.get(e.turn.index);
    map.set(e.turn.index, {
      model: e.turn.model ?? prev?.model ?? null,
      usage: e.turn.usage ?? prev?.usage ?? null,
    });
  }
  return map;
}

function TurnHeader({ index, figures }: { index: number; figures: TurnFigures | undefined }) {
  const usage = figures?.usage ?? null;
  const cost = usage ? costOf(usage, figures?.model ?? null) : null;
  return (
    <div className="tx-turn" data-testid="turn">
      <strong>Turn {index}</strong>
      {figures?.model ? <span className="mono">{figures.model}</span> : null}
      {usage ? (
        <span title="input · output · cache read · cache write tokens">
          {formatTokens(usage.input_tokens)} in · {formatTokens(usage.output_tokens)} out ·{' '}
          {formatTokens(usage.cache_read_tokens)} cache read ·{' '}
          {formatTokens(usage.cache_creation_tokens)} cache write
        </span>
      ) : null}
      {cost !== null ? <span title="estimated at list price">≈{formatCost(cost)}</span> : null}
    </div>
  );
}

function highlight(text: string, q: string): ReactNode {
  if (q === '') return text;
  const lower = text.toLowerCase();
  const out: ReactNode[] = [];
  let at = 0;
  for (let i = lower.indexOf(q); i !== -1; i = lower.indexOf(q, i + q.length)) {
    out.push(text.slice(at, i), <mark key={i}>{text.slice(i, i + q.length)}</mark>);
    at = i + q.length;
  }
  out.push(text.slice(at));
  return out;
}

function firstLineOf(text: string): { head: string; lines: number } {
  const lines = text.split('\n');
  return { head: lines.find((l) => l.trim() !== '') ?? '', lines: lines.length };
}

function BlockView({ block, q }: { block: ContentBlock; q: string }) {
  switch (block.type) {
    case 'text':
      return <div className="tx-text">{highlight(block.text, q)}</div>;
    case 'thinking':
      return (
        <details className="tx-thinking">
          <summary>Thinking</summary>
          <div className="tx-text">{highlight(block.text, q)}</div>
        </details>
      );
    case 'tool_use':
      return (
        <details className="tx-tool" data-testid="tool-call">
          <summary>
            <span aria-hidden="true">→ </span>
            <strong>{block.name}</strong>{' '}
            {block.target ? <code>{highlight(block.target, q)}</code> : null}
          </summary>
          <pre>{highlight(block.input, q)}</pre>
        </details>
      );
    case 'other':
      return (
        <details className="tx-other">
          <summary>[{block.blockType ?? 'block'}]</summary>
          <pre>{block.json}</pre>
        </details>
      );
  }
}

function EntryView({ entry, q }: { entry: TranscriptEntry; q: string }) {
  switch (entry.kind) {
    case 'nova':
      return <div className="tx-line"># nova: {highlight(entry.text, q)}</div>;
    case 'output':
      return <div className="tx-line">{highlight(entry.text, q)}</div>;
    case 'init':
      return (
        <div className="tx-line muted">
          Session started{entry.model ? ` · model ${entry.model}` : ''}
          {entry.cwd ? ` · in ${entry.cwd}` : ''}
          {entry.tools.length ? ` · tools: ${entry.tools.join(', ')}` : ''}
        </div>
      );
    case 'system':
      return <div className="tx-line muted">system: {entry.subtype ?? '?'}</div>;
    case 'assistant':
      return (
        <>
          {entry.blocks.map((b, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: blocks of one event never reorder
            <BlockView key={i} block={b} q={q} />
          ))}
        </>
      );
    case 'user':
      return (
        <>
          {entry.text ? (
            <div className="tx-text muted">User: {highlight(entry.text, q)}</div>
          ) : null}
          {entry.results.map((r, i) => {
            const { head, lines } = firstLineOf(r.text);
            return (
              <details
                // biome-ignore lint/suspicious/noArrayIndexKey: results of one event never reorder
                key={i}
                className={`tx-result${r.isError ? ' error' : ''}`}
                data-testid="tool-result"
              >
                <summary>
                  <span aria-hidden="true">{r.isError ? '✕ ' : '← '}</span>
                  {r.isError ? 'Error from ' : 'Result of '}
                  {r.toolName ?? 'a tool'}: <span className="tx-head">{highlight(head, q)}</span>
                  {lines > 1 ? <span className="muted"> ({lines} lines)</span> : null}
                </summary>
                <pre>
                  {highlight(r.text, q)}
                  {r.clipped ? '\n… (clipped; the raw view has all of it)' : ''}
                </pre>
              </details>
            );
          })}
        </>
      );
    case 'result': {
      const facts = [
        entry.numTurns !== null ? `${entry.numTurns} turns` : null,
        entry.durationMs !== null ? formatDuration(entry.durationMs) : null,
        entry.costUsd !== null ? formatCost(entry.costUsd) : null,
        entry.usage
          ? `${formatTokens(entry.usage.input_tokens + entry.usage.output_tokens + entry.usage.cache_read_tokens + entry.usage.cache_creation_tokens)} tokens`
          : null,
      ].filter((f) => f !== null);
      return (
        <div className={`tx-final ${entry.isError ? 'error' : 'ok'}`} data-testid="final-result">
          <strong>
            {entry.isError
              ? `✕ Error result${entry.subtype ? ` (${entry.subtype})` : ''}`
              : '✓ Result'}
          </strong>
          {facts.length ? <span className="muted"> · {facts.join(' · ')}</span> : null}
          {entry.text ? <div className="tx-text">{highlight(entry.text, q)}</div> : null}
        </div>
      );
    }
    case 'rate_limit':
      return (
        <div className="tx-line tx-warn">
          Rate limit: {entry.status ?? '?'}
          {entry.limitType ? ` (${entry.limitType})` : ''}
          {entry.resetsAt ? `, resets at ${entry.resetsAt}` : ''}
        </div>
      );
    case 'unknown':
      return (
        <div
          className="tx-line muted"
          title={`an event this page does not know (${entry.type ?? 'no type'})`}
        >
          {highlight(entry.raw, q)}
        </div>
      );
  }
}
