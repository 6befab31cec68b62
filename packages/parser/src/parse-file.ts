import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { ParsedCascade } from './cascade.js';
import { CascadeError, type CascadeErrorCode, type CascadeErrorOptions } from './errors.js';
import { parseCascade } from './parse.js';
import type { Cascade } from './types.js';

export interface ParseFileOptions {
  /**
   * Parse in a worker thread. The result is the same; what differs is the caller's memory: a parse
   * allocates many times the file's size in markdown trees, and V8 keeps a heap's pages once grown,
   * so a long-running process (the orchestrator, which forks a worker per task: fork costs grow
   * with the forking process's memory) stays lean when the trees live and die in another heap.
   * Needs the built package (the thread runs `dist/parse-thread.js`).
   */
  thread?: boolean;
}

/**
 * Reads and parses a plan file. Diagnostics and the result carry `path` as given.
 * @throws CascadeError `E_FILE_NOT_FOUND`, `E_READ_FAILED` (a directory, no permission, ...) or
 *   `E_INVALID_CASCADE`.
 */
export async function parseCascadeFile(
  path: string,
  options: ParseFileOptions = {},
): Promise<Cascade> {
  if (options.thread) return parseInThread(path);
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    throw readError(path, error);
  }
  return parseCascade(source, { filename: path });
}

/**
 * parseCascadeFile without the event loop, for callers that must have the plan before they can do
 * anything else (a constructor). Same result and errors.
 */
export function parseCascadeFileSync(path: string): Cascade {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    throw readError(path, error);
  }
  return parseCascade(source, { filename: path });
}

function readError(path: string, error: unknown): CascadeError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new CascadeError('E_FILE_NOT_FOUND', `${path}: no such file`, {
      file: path,
      cause: error,
    });
  }
  const why =
    code === 'EISDIR'
      ? 'is a directory, not a CASCADE.md file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : `cannot be read (${code ?? (error as Error).message})`;
  return new CascadeError('E_READ_FAILED', `${path}: ${why}`, { file: path, cause: error });
}

type ThreadReply =
  | { ok: true; cascade: ConstructorParameters<typeof ParsedCascade>[0] }
  | {
      ok: false;
      error: CascadeErrorOptions & { code: CascadeErrorCode; message: string; errno?: string };
    };

function parseInThread(path: string): Promise<Cascade> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./parse-thread.js', import.meta.url), { workerData: path });
    worker.once('message', (reply: ThreadReply) => {
      if (reply.ok) {
        resolve(new ParsedCascade(reply.cascade));
        return;
      }
      const { code, message, errno, ...rest } = reply.error;
      reject(
        new CascadeError(code, message, {
          ...rest,
          ...(errno === undefined
            ? {}
            : { cause: Object.assign(new Error(errno), { code: errno }) }),
        }),
      );
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      // Only reached without a reply when the thread died some other way.
      reject(new Error(`the parse thread for ${path} exited with code ${code} without a result`));
    });
  });
}
