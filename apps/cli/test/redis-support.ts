// Helpers for the tests of `nova run --executor bullmq` and `nova worker`: a real redis-server of
// the test file's own, on a free 127.0.0.1 port.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { tempDir, waitFor } from './helpers.js';

/** A port nothing listens on right now (127.0.0.1). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface TestRedis {
  url: string;
  stop(): void;
}

/**
 * Starts a redis-server with no persistence in a temp folder and resolves once it answers. Call in
 * beforeAll and stop() in afterAll: each test file has its own server, so files never share queues.
 */
export async function startRedis(): Promise<TestRedis> {
  for (let tries = 1; ; tries++) {
    const port = await freePort();
    const dir = tempDir();
    const server: ChildProcess = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir.dir,
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
    let exited = false;
    server.once('exit', () => {
      exited = true;
    });
    // Ours only once the server on the port says it is this process: a free port may be taken by
    // another test's server between freePort() and this one's start (then ours cannot bind).
    const answer = await waitFor(async () => {
      if (exited) return 'exited';
      const pid = await serverPid(port);
      if (pid === null) return null;
      return pid === server.pid ? 'ours' : 'another';
    }, 'redis-server to answer');
    if (answer === 'ours') {
      return {
        url: `redis://127.0.0.1:${port}`,
        stop() {
          server.kill('SIGTERM');
          dir.cleanup();
        },
      };
    }
    server.kill('SIGTERM');
    dir.cleanup();
    if (tries === 5) throw new Error(`no port for redis-server after ${tries} tries`);
  }
}

/** The process id the Redis server on `port` reports (INFO server), or null while none answers. */
function serverPid(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (pid: number | null) => {
      socket.destroy();
      resolve(pid);
    };
    socket.setTimeout(2000, () => done(null));
    socket.on('error', () => done(null));
    socket.on('connect', () => socket.write('INFO server\r\n'));
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      reply += d;
      const m = /process_id:(\d+)/.exec(reply);
      if (m) done(Number(m[1]));
    });
  });
}
