import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AttemptLog, type AttemptLogOptions, logUnavailableError } from './attempt-log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nova-attempt-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = '# nova: header\n';

/** A log of task T1 in `dir/logs`, with a flow control that records what it was told. */
function makeLog(extra: Partial<AttemptLogOptions> = {}) {
  const flow: string[] = [];
  let caps = 0;
  const logsDir = extra.logsDir ?? join(dir, 'logs');
  const log = new AttemptLog({
    logsDir,
    taskId: 'T1',
    path: join(logsDir, 'T1.log'),
    header: HEADER,
    maxBytes: 1000,
    flow: { pause: () => flow.push('pause'), resume: () => flow.push('resume') },
    onCap: () => caps++,
    ...extra,
  });
  return { log, flow, caps: () => caps };
}

const text = (s: string) => Buffer.from(s);

describe('AttemptLog', () => {
  it('holds output that comes before the log exists, then writes it after the header, in order', async () => {
    const { log } = makeLog();
    log.append(text('one\n'));
    log.append(text('two\n'));
    await log.ready;
    log.append(text('three\n'));
    await log.close('# nova: footer\n');
    expect(readFileSync(log.path, 'utf8')).toBe(`${HEADER}one\ntwo\nthree\n# nova: footer\n`);
    expect(log.incomplete()).toBeNull();
  });

  it('starts the footer on a line of its own when the output did not end one', async () => {
    const { log } = makeLog();
    await log.ready;
    log.append(text('no newline at the end'));
    await log.close('# nova: footer\n');
    expect(readFileSync(log.path, 'utf8')).toBe(`${HEADER}no newline at the end\n# nova: footer\n`);
  });

  it('an attempt that printed nothing: header and footer only', async () => {
    const { log } = makeLog();
    await log.close('# nova: footer\n');
    expect(readFileSync(log.path, 'utf8')).toBe(`${HEADER}# nova: footer\n`);
  });

  it('cuts the output at the cap, notes it on a line of its own, and drops what follows', async () => {
    const { log, caps } = makeLog({ maxBytes: 10 });
    await log.ready;
    expect(log.append(text('abcdef')).toString()).toBe('abcdef');
    expect(log.append(text('ghijkl')).toString()).toBe('ghij');
    expect(log.capped).toBe(true);
    expect(caps()).toBe(1);
    expect(log.append(text('more\n')).length).toBe(0);
    expect(caps()).toBe(1);
    await log.close('# nova: footer\n');
    expect(readFileSync(log.path, 'utf8')).toBe(
      `${HEADER}abcdefghij\n# nova: output reached the log cap of 10 bytes; stopping the process\n# nova: footer\n`,
    );
  });

  it('pauses the source while too much waits for the log to exist, and resumes it after', async () => {
    const { log, flow } = makeLog({ maxBytes: 8 * 1024 * 1024 });
    for (let i = 0; i < 5; i++) log.append(Buffer.alloc(256 * 1024, 0x61));
    expect(flow).toEqual(['pause']);
    await log.ready;
    // The held bytes went to the stream, whose buffer they overfill: the source stays paused until
    // the file has caught up.
    await new Promise((r) => setTimeout(r, 200));
    expect(flow.at(-1)).toBe('resume');
    await log.close('# nova: footer\n');
    // The output did not end a line: the footer starts a new one.
    expect(readFileSync(log.path).length).toBe(HEADER.length + 5 * 256 * 1024 + 1 + 15);
  });

  it('a log that cannot be created: no file, the source flows, the reason kept', async () => {
    writeFileSync(join(dir, 'file'), '');
    const { log, flow } = makeLog({
      logsDir: join(dir, 'file', 'logs'),
      maxBytes: 8 * 1024 * 1024,
    });
    for (let i = 0; i < 5; i++) log.append(Buffer.alloc(256 * 1024, 0x61));
    await log.ready;
    expect(flow).toEqual(['pause', 'resume']);
    expect(log.openError).toMatchObject({ code: 'ENOTDIR' });
    await log.close('# nova: footer\n');
    expect(existsSync(join(dir, 'file', 'logs'))).toBe(false);
    expect(log.incomplete()).toBe('no log was written: ENOTDIR (not a directory)');
  });
});

describe('logUnavailableError', () => {
  it('is one line naming the folder and the errno, with the path and errno as fields', () => {
    const cause = Object.assign(new Error("EACCES: permission denied, open '/srv/logs/T1.log'"), {
      code: 'EACCES',
    });
    const e = logUnavailableError('T1', '/srv/logs', '/srv/logs/T1.log', cause);
    expect(e.message).toBe(
      'Task T1: not run, as its log cannot be written in the logs folder /srv/logs: EACCES (permission denied).',
    );
    expect(e).toMatchObject({
      code: 'LOG_UNAVAILABLE',
      kind: 'interrupted',
      retryable: true,
      environment: true,
      path: '/srv/logs/T1.log',
      errno: 'EACCES',
      cause,
    });
  });
});
