import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

export type Encoding = 'br' | 'gzip' | 'identity';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Below this a compressed body saves less than the headers cost. */
const MIN_BYTES = 1024;

/**
 * The encoding to answer with, from Accept-Encoding: brotli, else gzip, else none. A coding listed
 * with `q=0` is refused; `*` stands for codings not named.
 */
export function negotiateEncoding(header: string | string[] | undefined): Encoding {
  if (typeof header !== 'string' || header.trim() === '') return 'identity';
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam === undefined ? 1 : Number(qParam.slice(2));
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const accepted = (name: string) => (q.get(name) ?? q.get('*') ?? 0) > 0;
  if (accepted('br')) return 'br';
  if (accepted('gzip')) return 'gzip';
  return 'identity';
}

export function isCompressible(contentType: string): boolean {
  return /^(text\/|application\/json|image\/svg\+xml)/.test(contentType);
}

/**
 * Compresses off the event loop (zlib's thread pool): a multi-megabyte state must not stall the
 * orchestrator when `nova run --dashboard` serves from its process. Brotli at quality 5 compresses
 * a 5 MB state in tens of milliseconds, within a few percent of its best ratio on such JSON.
 */
export async function compress(body: Buffer, encoding: Encoding): Promise<Buffer> {
  if (encoding === 'identity' || body.length < MIN_BYTES) return body;
  if (encoding === 'br') {
    return brotli(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
  }
  return gzipAsync(body, { level: 6 });
}

/**
 * Compressed copies of bodies that are served many times (a state version, an app file), keyed by
 * the body itself: a new body (a new version) gets new copies, an old one is collected with them.
 */
export class CompressionCache {
  #copies = new WeakMap<Buffer, Map<Encoding, Promise<Buffer>>>();

  get(body: Buffer, encoding: Encoding): Promise<Buffer> {
    if (encoding === 'identity' || body.length < MIN_BYTES) return Promise.resolve(body);
    let copies = this.#copies.get(body);
    if (!copies) {
      copies = new Map();
      this.#copies.set(body, copies);
    }
    let copy = copies.get(encoding);
    if (!copy) {
      copy = compress(body, encoding);
      copies.set(encoding, copy);
      copy.catch(() => copies.delete(encoding));
    }
    return copy;
  }
}

/** Whether a body of this size is sent compressed at all. */
export function worthCompressing(length: number): boolean {
  return length >= MIN_BYTES;
}
