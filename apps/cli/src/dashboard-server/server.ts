import { open } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { basename, resolve } from 'node:path';
import { type AccessVerdict, createAccessCheck, isLoopbackHost, TOKEN_PATTERN } from './access.js';
import { resolveDashboardAppDir } from './app-dir.js';
import {
  CompressionCache,
  compress,
  type Encoding,
  isCompressible,
  negotiateEncoding,
  worthCompressing,
} from './compression.js';
import { DashboardServerError } from './errors.js';
import { bracketIpv6, createHostAllowList } from './host-allow-list.js';
import { attemptFrom, logRangeFrom, readLog, resolveLogFile } from './log-tail.js';
import { parseRequestTarget } from './request-path.js';
import { createStateFeed } from './state-feed.js';
import { createStateFileReader } from './state-file.js';
import { readAppFile } from './static-files.js';

export interface DashboardServerOptions {
  /** The snapshot file the orchestrator writes (`cascade_state.json`). */
  stateFile: string;
  /** Folder of the task logs (`<id>.log`). */
  logsDir: string;
  /** Built dashboard app; defaults to the one of the installed @program-nova/dashboard. */
  appDir?: string;
  /** Address to bind; 127.0.0.1 unless the user explicitly asks otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** More Host header names to answer (without port), e.g. a reverse proxy's name. */
  allowedHosts?: string[];
  /**
   * The access token every request must carry (`?token=`, the cookie the server sets in answer to
   * it, or `Authorization: Bearer`). Required to bind anything but a loopback address.
   */
  token?: string | null;
}

export interface DashboardServer {
  /** The address to open, with `?token=` when a token is required. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Headers on every response: nothing may be sniffed, framed or shared cross-origin. */
const BASE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Serves the built dashboard, the state (as a versioned feed of changes, and as the file itself),
 * and task logs. Read-only: GET and HEAD only, nothing under any route changes anything.
 */
export async function startDashboardServer(
  options: DashboardServerOptions,
): Promise<DashboardServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? null;
  if (token === null && !isLoopbackHost(host)) {
    throw new DashboardServerError(
      'E_TOKEN_REQUIRED',
      `listening on ${bracketIpv6(host)} (not a loopback address) needs an access token`,
    );
  }
  if (token !== null && !TOKEN_PATTERN.test(token)) {
    throw new DashboardServerError(
      'E_TOKEN_INVALID',
      'the access token must be 16 to 256 characters of A-Z a-z 0-9 . _ ~ -',
    );
  }
  const appDir = resolve(options.appDir ?? resolveDashboardAppDir());
  const logsDir = resolve(options.logsDir);
  const stateFile = resolve(options.stateFile);
  const rawState = createStateFileReader(stateFile);
  const feed = createStateFeed(stateFile);
  const compressed = new CompressionCache();
  let isAllowedHost: (h: string | undefined) => boolean = () => false;
  let checkAccess: (req: IncomingMessage, query: URLSearchParams) => AccessVerdict = () => ({
    kind: 'denied',
  });

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) void send(req, res, 500, 'internal error\n');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (!isAllowedHost(req.headers.host)) {
      return send(req, res, 403, 'forbidden: this server only answers requests for its own host\n');
    }
    const target = parseRequestTarget(req.url);
    if (!target) return send(req, res, 404, 'not found\n');
    const { segments, query } = target;
    const access = checkAccess(req, query);
    if (access.kind === 'denied') {
      return send(
        req,
        res,
        401,
        'unauthorized: open the address nova printed (it carries ?token=...), or send Authorization: Bearer <token>\n',
        { 'WWW-Authenticate': 'Bearer realm="nova dashboard"', 'Cache-Control': 'no-store' },
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(req, res, 405, 'method not allowed: the dashboard is read-only\n', {
        Allow: 'GET, HEAD',
      });
    }
    const cookie: Record<string, string> =
      access.kind === 'allowed_by_query' ? { 'Set-Cookie': access.setCookie } : {};
    const encoding = negotiateEncoding(req.headers['accept-encoding']);

    if (segments.length === 2 && segments[0] === 'api' && segments[1] === 'state') {
      return serveFeed(req, res, query, encoding, cookie);
    }

    if (segments.length === 1 && segments[0] === 'cascade_state.json') {
      const snapshot = await rawState.read();
      if (snapshot.kind === 'missing') {
        return send(req, res, 404, `state file not found: no run has written ${stateFile} yet\n`, {
          'Cache-Control': 'no-store',
          ...cookie,
        });
      }
      if (snapshot.kind === 'unreadable') {
        return send(req, res, 503, `${snapshot.message}\n`, {
          'Cache-Control': 'no-store',
          ...cookie,
        });
      }
      const headers = {
        ETag: snapshot.etag,
        'Last-Modified': snapshot.mtime.toUTCString(),
        'Cache-Control': 'no-cache',
        Vary: 'Accept-Encoding',
        ...cookie,
      };
      if (etagMatches(req.headers['if-none-match'], snapshot.etag)) {
        return sendEmpty(res, 304, headers);
      }
      return send(
        req,
        res,
        200,
        snapshot.bytes,
        { ...headers, 'Content-Type': JSON_TYPE },
        {
          encoding,
          cache: true,
        },
      );
    }

    if (segments.length === 2 && segments[0] === 'logs') {
      const id = segments[1]!;
      if (!feed.taskIds().has(id)) {
        // The feed knows the ids once the state has been read; read it now if nobody has yet.
        await feed.read();
        if (!feed.taskIds().has(id)) return send(req, res, 404, 'no such task in the state\n');
      }
      const attempt = attemptFrom(query);
      if (attempt === undefined) return send(req, res, 404, 'no such attempt\n');
      if (query.get('download') === '1') return downloadLog(req, res, id, attempt, cookie);
      const log = await readLog(logsDir, id, attempt, logRangeFrom(query));
      if (log.kind === 'not_found') {
        return send(req, res, 404, 'no log for this task yet\n', {
          'Cache-Control': 'no-store',
          ...cookie,
        });
      }
      const headers = {
        ETag: log.etag,
        'Cache-Control': 'no-cache',
        Vary: 'Accept-Encoding',
        'X-Log-Size': String(log.size),
        'X-Log-Start': String(log.start),
        'X-Log-Truncated': log.truncated ? '1' : '0',
        'X-Log-Earlier': String(log.earlier),
        ...cookie,
      };
      if (etagMatches(req.headers['if-none-match'], log.etag)) return sendEmpty(res, 304, headers);
      return send(req, res, 200, log.text, headers, { encoding, cache: false });
    }

    const file = await readAppFile(appDir, segments);
    if (!file) return send(req, res, 404, 'not found\n');
    const isHtml = file.contentType.startsWith('text/html');
    if (isHtml && access.kind === 'allowed_by_query') {
      // The token now rides in the cookie: take it out of the address bar (and history). The
      // browser keeps the #fragment across the redirect, so a deep link survives.
      query.delete('token');
      const rest = query.toString();
      const path = `/${segments.map(encodeURIComponent).join('/')}`;
      return sendEmpty(res, 303, {
        ...cookie,
        Location: rest ? `${path}?${rest}` : path,
        'Cache-Control': 'no-store',
      });
    }
    return send(
      req,
      res,
      200,
      file.body,
      {
        'Content-Type': file.contentType,
        'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        Vary: 'Accept-Encoding',
        ...(isHtml ? { 'Content-Security-Policy': APP_CSP } : {}),
        ...cookie,
      },
      { encoding, cache: file.immutable },
    );
  }

  /**
   * `GET /api/state?since=<version>`: the state as a feed. 304 while the client's version is the
   * current one; otherwise the tasks changed since its version, or the whole state when it has
   * none (or one this server cannot diff from). `X-Run-Process` says whether the run recorded in
   * the state still has a live process (a recorded run whose process is gone has crashed).
   */
  async function serveFeed(
    req: IncomingMessage,
    res: ServerResponse,
    query: URLSearchParams,
    encoding: Encoding,
    cookie: Record<string, string>,
  ) {
    const read = await feed.read();
    const headers = { 'Cache-Control': 'no-store', 'Content-Type': JSON_TYPE, ...cookie };
    if (read.kind === 'missing') {
      return send(req, res, 404, JSON.stringify({ error: 'missing', stateFile }), headers);
    }
    if (read.kind === 'unreadable') {
      const body = { error: 'unreadable', code: read.code, message: read.message, stateFile };
      return send(req, res, 503, JSON.stringify(body), headers);
    }
    const { version, state } = read.current;
    const feedHeaders = {
      ...headers,
      ETag: `"${version}"`,
      Vary: 'Accept-Encoding',
      'X-Run-Process': runProcess(state.project.orchestrator_pid),
    };
    const since = query.get('since');
    if (since === version || etagMatches(req.headers['if-none-match'], `"${version}"`)) {
      return sendEmpty(res, 304, feedHeaders);
    }
    const { body, full } = feed.body(since);
    // A full document is the same for every client of this version: compress it once.
    return send(req, res, 200, body, feedHeaders, { encoding, cache: full });
  }

  async function downloadLog(
    req: IncomingMessage,
    res: ServerResponse,
    id: string,
    attempt: number | null,
    cookie: Record<string, string>,
  ) {
    const file = await resolveLogFile(logsDir, id, attempt);
    const handle = file === null ? null : await open(file, 'r').catch(() => null);
    if (file === null || handle === null) return send(req, res, 404, 'no log for this task yet\n');
    // The log of a running task grows: send the bytes it had when opened, with their length.
    const { size } = await handle.stat();
    res.writeHead(200, {
      ...BASE_HEADERS,
      ...cookie,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Disposition': `attachment; filename="${basename(file)}"`,
      'Content-Length': String(size),
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD' || size === 0) {
      await handle.close();
      res.end();
      return;
    }
    const stream = handle.createReadStream({ start: 0, end: size - 1 });
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  async function send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: string | Buffer,
    headers: Record<string, string> = {},
    compression: { encoding: Encoding; cache: boolean } | null = null,
  ) {
    let bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const contentType = headers['Content-Type'] ?? 'text/plain; charset=utf-8';
    const extra: Record<string, string> = {};
    if (
      compression !== null &&
      compression.encoding !== 'identity' &&
      isCompressible(contentType) &&
      worthCompressing(bytes.length)
    ) {
      bytes = compression.cache
        ? await compressed.get(bytes, compression.encoding)
        : await compress(bytes, compression.encoding);
      extra['Content-Encoding'] = compression.encoding;
    }
    res.writeHead(status, {
      ...BASE_HEADERS,
      'Content-Type': contentType,
      ...headers,
      ...extra,
      'Content-Length': String(bytes.length),
    });
    if (req.method === 'HEAD') res.end();
    else res.end(bytes);
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    const onError = (cause: NodeJS.ErrnoException) => {
      rejectListen(
        new DashboardServerError(
          'E_LISTEN',
          `cannot listen on ${bracketIpv6(host)}:${options.port ?? 0} (${cause.code ?? cause.message})`,
          { cause },
        ),
      );
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  isAllowedHost = createHostAllowList(host, port, [
    ...(isWildcard(host) ? machineNames() : []),
    ...(options.allowedHosts ?? []),
  ]);
  checkAccess = createAccessCheck(token, port);
  const urlHost = isWildcard(host) ? '127.0.0.1' : bracketIpv6(host);

  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}/${token === null ? '' : `?token=${token}`}`,
    port,
    close() {
      closing ??= new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** Names this machine answers to on a wildcard bind: its host name and interface addresses. */
function machineNames(): string[] {
  const names = [hostname()];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) names.push(a.address.replace(/%.*$/, ''));
  }
  return names;
}

/** Whether the run recorded in the state still has its process: `alive`, `gone` or `none`. */
function runProcess(pid: number | null): string {
  if (pid === null) return 'none';
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'gone';
  }
}

function etagMatches(header: string | string[] | undefined, etag: string): boolean {
  if (typeof header !== 'string') return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string>) {
  res.writeHead(status, { ...BASE_HEADERS, ...headers });
  res.end();
}
