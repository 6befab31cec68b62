import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { resolveDashboardAppDir } from './app-dir.js';
import { DashboardServerError } from './errors.js';
import { bracketIpv6, createHostAllowList } from './host-allow-list.js';
import { readLogTail, tailBytesFrom } from './log-tail.js';
import { parseRequestTarget } from './request-path.js';
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
  /** More Host header names to answer (without port), e.g. a machine name the user chose. */
  allowedHosts?: string[];
}

export interface DashboardServer {
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
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Serves the built dashboard, the state snapshot (with ETag / 304) and task log tails. Read-only:
 * GET and HEAD only, nothing under any route changes anything.
 */
export async function startDashboardServer(
  options: DashboardServerOptions,
): Promise<DashboardServer> {
  const host = options.host ?? '127.0.0.1';
  const appDir = resolve(options.appDir ?? resolveDashboardAppDir());
  const logsDir = resolve(options.logsDir);
  const state = createStateFileReader(resolve(options.stateFile));
  let isAllowedHost: (h: string | undefined) => boolean = () => false;

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(req, res, 500, 'internal error\n');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (!isAllowedHost(req.headers.host)) {
      return send(req, res, 403, 'forbidden: this server only answers requests for localhost\n');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(req, res, 405, 'method not allowed: the dashboard is read-only\n', {
        Allow: 'GET, HEAD',
      });
    }
    const target = parseRequestTarget(req.url);
    if (!target) return send(req, res, 404, 'not found\n');
    const { segments, query } = target;

    if (segments.length === 1 && segments[0] === 'cascade_state.json') {
      const snapshot = await state.read();
      if (snapshot.kind === 'missing') {
        return send(req, res, 404, 'state file not found: no run has written it yet\n', {
          'Cache-Control': 'no-store',
        });
      }
      if (snapshot.kind === 'unreadable') {
        return send(req, res, 503, `${snapshot.message}\n`, { 'Cache-Control': 'no-store' });
      }
      const headers = {
        ETag: snapshot.etag,
        'Last-Modified': snapshot.mtime.toUTCString(),
        'Cache-Control': 'no-cache',
      };
      if (etagMatches(req.headers['if-none-match'], snapshot.etag)) {
        return sendEmpty(res, 304, headers);
      }
      return send(req, res, 200, snapshot.bytes, {
        ...headers,
        'Content-Type': 'application/json; charset=utf-8',
      });
    }

    if (segments.length === 2 && segments[0] === 'logs') {
      const id = segments[1]!;
      const ids = await state.taskIds();
      if (!ids.has(id)) return send(req, res, 404, 'no such task in the state\n');
      const tail = await readLogTail(logsDir, id, tailBytesFrom(query));
      if (tail.kind === 'not_found') {
        return send(req, res, 404, 'no log for this task yet\n', { 'Cache-Control': 'no-store' });
      }
      const headers = {
        ETag: tail.etag,
        'Cache-Control': 'no-cache',
        'X-Log-Size': String(tail.size),
        'X-Log-Truncated': tail.truncated ? '1' : '0',
      };
      if (etagMatches(req.headers['if-none-match'], tail.etag)) return sendEmpty(res, 304, headers);
      return send(req, res, 200, tail.text, headers);
    }

    const file = await readAppFile(appDir, segments);
    if (!file) return send(req, res, 404, 'not found\n');
    const isHtml = file.contentType.startsWith('text/html');
    return send(req, res, 200, file.body, {
      'Content-Type': file.contentType,
      'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...(isHtml ? { 'Content-Security-Policy': APP_CSP } : {}),
    });
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
  isAllowedHost = createHostAllowList(host, port, options.allowedHosts);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : bracketIpv6(host);

  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}/`,
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

function etagMatches(header: string | string[] | undefined, etag: string): boolean {
  if (typeof header !== 'string') return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
) {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, {
    ...BASE_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    ...headers,
    'Content-Length': String(bytes.length),
  });
  if (req.method === 'HEAD') res.end();
  else res.end(bytes);
}

function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string>) {
  res.writeHead(status, { ...BASE_HEADERS, ...headers });
  res.end();
}
