// Helpers for the dashboard server's tests.
import { connect } from 'node:net';
import type { Cascade } from '@program-nova/parser';
import { createState, type TaskStatus } from '@program-nova/state';

export interface RawResponse {
  raw: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body as received (compressed bodies are bytes, not text). */
  bytes: Buffer;
}

/**
 * Sends bytes exactly as given over a TCP socket and reads until the server closes. fetch() would
 * normalise the path (`..`, `%2e%2e`, `#`), which is precisely what these tests must not do.
 */
export function rawRequest(port: number, request: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const raw = all.toString('latin1');
      const split = raw.indexOf('\r\n\r\n');
      const head = split === -1 ? raw : raw.slice(0, split);
      const body = split === -1 ? '' : raw.slice(split + 4);
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0)
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const bytes = split === -1 ? Buffer.alloc(0) : all.subarray(split + 4);
      resolve({ raw, status: Number(statusLine.split(' ')[1] ?? 0), headers, body, bytes });
    });
  });
}

/** A GET (or other method) with Connection: close and the given Host (null: no Host header). */
export function httpRequest(
  port: number,
  target: string,
  options: { method?: string; host?: string | null; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const host = options.host === undefined ? `127.0.0.1:${port}` : options.host;
  const lines = [`${options.method ?? 'GET'} ${target} HTTP/1.1`];
  if (host !== null) lines.push(`Host: ${host}`);
  for (const [name, value] of Object.entries(options.headers ?? {}))
    lines.push(`${name}: ${value}`);
  lines.push('Connection: close', '', '');
  return rawRequest(port, lines.join('\r\n'));
}

/**
 * A minimal valid cascade_state.json document (see docs/architecture.md, "The state file") with the given task IDs, made by
 * the state package itself. IDs go in as given, even ones a plan could not hold (`..`): the server
 * must stay safe whatever a state file says.
 */
export function stateDocument(ids: string[], statuses: Record<string, TaskStatus> = {}) {
  const plan = {
    projectName: 'Fixture',
    filename: 'CASCADE.md',
    tasks: ids.map((id) => ({
      id,
      name: `Task ${id}`,
      description: '',
      dependsOn: [],
      branch: 'B',
      group: 'G',
    })),
    hierarchy: [{ branch: 'B', groups: [{ group: 'G', tasks: ids }] }],
  };
  const state = createState(plan as unknown as Cascade, { now: new Date(0) });
  for (const [id, status] of Object.entries(statuses)) state.tasks[id]!.status = status;
  return state;
}
