/** The desktop sink with a stand-in notify-send on PATH (a real process, the real argv). */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDesktopSink } from '../src/index.js';
import { event, jsonLines, scratch, warnings } from './helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe.runIf(process.platform === 'linux')('desktop notifications on Linux', () => {
  it('runs notify-send with a title and a body for failures, pauses and the end, nothing else', async () => {
    const s = scratch();
    cleanups.push(s.cleanup);
    const out = join(s.dir, 'calls.jsonl');
    const fake = join(s.dir, 'notify-send');
    writeFileSync(
      fake,
      `#!${process.execPath}\nrequire('node:fs').appendFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)) + '\\n');\n`,
    );
    chmodSync(fake, 0o755);
    const w = warnings();
    const sink = createDesktopSink({
      onWarning: w.push,
      platform: 'linux',
      env: { ...process.env, PATH: s.dir },
    });
    sink.send(event('task:started', { id: 'A1' }));
    sink.send(event('task:failed', { id: 'A1', name: 'Parser', error: 'exited with code 1' }));
    sink.send(event('run:finished', { ok: true, summary: { totalTasks: 3 } }));
    await sink.flush(30_000);
    expect(w.list).toEqual([]);
    expect(jsonLines(out)).toEqual([
      ['--', 'Nova: A1 failed', 'A1 Parser: exited with code 1 (todo-api)'],
      ['--', 'Nova: todo-api done', 'Run done: all 3 tasks completed'],
    ]);
  });

  it('without notify-send: one NOTIFY_UNAVAILABLE warning, then nothing', async () => {
    const s = scratch();
    cleanups.push(s.cleanup);
    const w = warnings();
    const sink = createDesktopSink({ onWarning: w.push, platform: 'linux', env: { PATH: s.dir } });
    sink.send(event('task:failed', { id: 'A1' }));
    sink.send(event('task:failed', { id: 'A2' }));
    sink.send(event('run:finished', { ok: false }));
    await sink.flush(30_000);
    expect(w.list).toEqual([
      {
        code: 'NOTIFY_UNAVAILABLE',
        message: 'desktop notifications are off: notify-send is not installed (or not on PATH)',
      },
    ]);
  });
});
