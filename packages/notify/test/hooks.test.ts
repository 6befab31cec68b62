/** Hooks as real processes: event JSON on stdin, placeholders in argv, order, failures, timeouts. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHookSink } from '../src/index.js';
import { alive, event, FIXTURES, jsonLines, scratch, waitFor, warnings } from './helpers.js';

const RECORD = join(FIXTURES, 'record.mjs');
const HANG = join(FIXTURES, 'hang.mjs');
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function dir() {
  const s = scratch();
  cleanups.push(s.cleanup);
  return s.dir;
}

/** A sink whose one hook runs hang.mjs, which writes its group's pids to `pids`. */
function hangingHook(event: string, timeoutMs: number) {
  const pids = join(dir(), 'pids.json');
  const w = warnings();
  const sink = createHookSink({
    hooks: [{ event, command: [process.execPath, HANG, pids] }],
    timeoutMs,
    onWarning: w.push,
  });
  return { sink, pids, w };
}

describe('hooks', () => {
  it('runs the matching hooks in event order with the event on stdin and placeholders in argv', async () => {
    const d = dir();
    const failed = join(d, 'failed.jsonl');
    const all = join(d, 'all.jsonl');
    const w = warnings();
    const sink = createHookSink({
      hooks: [
        {
          event: 'task:failed',
          command: [
            process.execPath,
            RECORD,
            failed,
            '{event}',
            '{id}',
            '{name}',
            '{status}',
            '{error}',
            '{project}',
            '{state}',
          ],
        },
        { event: '*', command: `"${process.execPath}" "${RECORD}" "${all}" {event}:{id}` },
      ],
      onWarning: w.push,
    });
    const events = [
      event('run:started', { pid: 1, resumed: false }),
      event('task:started', { id: 'A1', name: 'One', status: 'in_progress' }),
      event('task:failed', {
        id: 'A1',
        name: 'One; $(rm -rf x)',
        status: 'failed',
        error: 'exit 1',
      }),
      event('task:blocked', { id: 'A2', blockedBy: ['A1'] }),
      event('run:finished', { ok: false, outcome: 'failed' }),
    ];
    for (const e of events) sink.send(e);
    await sink.flush(30_000);
    expect(w.list).toEqual([]);
    const everything = jsonLines(all) as { argv: string[]; stdin: string }[];
    expect(everything.map((r) => r.argv)).toEqual([
      ['run:started:'],
      ['task:started:A1'],
      ['task:failed:A1'],
      ['task:blocked:A2'],
      ['run:finished:'],
    ]);
    // One line of JSON each: the event as it was sent.
    expect(everything.map((r) => r.stdin)).toEqual(events.map((e) => `${JSON.stringify(e)}\n`));
    expect(jsonLines(failed)).toEqual([
      {
        argv: [
          'task:failed',
          'A1',
          'One; $(rm -rf x)',
          'failed',
          'exit 1',
          'todo-api',
          '/work/todo/cascade_state.json',
        ],
        stdin: `${JSON.stringify(events[2])}\n`,
      },
    ]);
  });

  it('a hook that exits non-zero or cannot start is a HOOK_FAILED warning; later events still run', async () => {
    const d = dir();
    const out = join(d, 'out.jsonl');
    const w = warnings();
    const sink = createHookSink({
      hooks: [
        { event: 'task:failed', command: [process.execPath, RECORD, out, '{id}'] },
        { event: 'task:failed', command: ['nova-no-such-program-here', '{id}'] },
      ],
      env: { ...process.env, RECORD_EXIT: '3' },
      onWarning: w.push,
    });
    sink.send(event('task:failed', { id: 'A1' }));
    sink.send(event('task:failed', { id: 'A2' }));
    await sink.flush(30_000);
    expect((jsonLines(out) as { argv: string[] }[]).map((r) => r.argv)).toEqual([['A1'], ['A2']]);
    expect(w.list).toContainEqual({
      code: 'HOOK_FAILED',
      message: expect.stringMatching(
        /^hook '.*' for task:failed A1: exited with code 3: record: told to fail$/,
      ),
    });
    expect(w.list.filter((x) => x.message.includes('exited with code 3'))).toHaveLength(2);
    expect(w.list).toContainEqual({
      code: 'HOOK_FAILED',
      message:
        "hook 'nova-no-such-program-here {id}' for task:failed A2: could not start: command not found",
    });
  });

  it('a hook that hangs is stopped with its whole process group after its timeout', async () => {
    const { sink, pids, w } = hangingHook('task:failed', 3000);
    sink.send(event('task:failed', { id: 'A1' }));
    await sink.flush(60_000);
    expect(w.list).toEqual([
      {
        code: 'HOOK_TIMEOUT',
        message: expect.stringMatching(
          /^hook '.*hang\.mjs.*' for task:failed A1: still running after 3.0s: stopped$/,
        ),
      },
    ]);
    const [leader, child] = JSON.parse(readFileSync(pids, 'utf8')) as number[];
    // The leader ignores SIGTERM (so it took the SIGKILL); its child went with the group.
    expect(alive(leader!)).toBe(false);
    expect(alive(child!)).toBe(false);
  });

  it('flush waits at most its limit, then stops what runs and drops what is queued, in one warning', async () => {
    const { sink, pids, w } = hangingHook('*', 120_000);
    sink.send(event('task:failed', { id: 'A1' }));
    sink.send(event('task:failed', { id: 'A2' }));
    sink.send(event('run:finished'));
    await waitFor(() => existsSync(pids) && readFileSync(pids, 'utf8').endsWith(']'));
    await sink.flush(200);
    const [leader, child] = JSON.parse(readFileSync(pids, 'utf8')) as number[];
    expect(alive(leader!)).toBe(false);
    expect(alive(child!)).toBe(false);
    expect(w.list).toEqual([
      {
        code: 'HOOK_TIMEOUT',
        message: '3 hook runs not finished 200ms after the run ended: stopped',
      },
    ]);
  });
});
