// Helpers for this folder's tests only (not exported from index.ts).
import { connect } from 'node:net';

export interface RawResponse {
  raw: string;
  status: number;
  headers: Record<string, string>;
  body: string;
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
      const raw = Buffer.concat(chunks).toString('latin1');
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
      resolve({ raw, status: Number(statusLine.split(' ')[1] ?? 0), headers, body });
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

/** A minimal valid cascade_state.json document (DESIGN.md section 3) with the given task IDs. */
export function stateDocument(ids: string[], statuses: Record<string, string> = {}) {
  const tasks: Record<string, unknown> = {};
  const graphTasks: Record<string, unknown> = {};
  for (const id of ids) {
    graphTasks[id] = {
      name: `Task ${id}`,
      description: '',
      depends_on: [],
      branch: 'B',
      group: 'G',
    };
    tasks[id] = {
      status: statuses[id] ?? 'pending',
      worker_id: null,
      pid: null,
      started_at: null,
      completed_at: null,
      duration_seconds: null,
      current_step: null,
      token_usage: {
        input_tokens: 0,
        output_tokens: 0,
        cache_read_tokens: 0,
        cache_creation_tokens: 0,
      },
      cost_usd: null,
      model: null,
      error: null,
      failure_kind: null,
      exit_code: null,
      attempts: 0,
      retry_at: null,
      log_path: null,
      commit_sha: null,
      files_changed: null,
    };
  }
  return {
    schema_version: 1,
    project: {
      name: 'Fixture',
      cascade_file: 'CASCADE.md',
      started_at: null,
      completed_at: null,
      updated_at: null,
      orchestrator_pid: null,
    },
    graph: {
      tasks: graphTasks,
      hierarchy: [{ branch: 'B', groups: [{ group: 'G', tasks: ids }] }],
    },
    tasks,
    milestones: [],
  };
}
