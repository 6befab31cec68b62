import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** Vite fingerprints everything under assets/, so those can be cached for good. */
  immutable: boolean;
}

/** A file of the built app, by already-validated segments; null when it is not a file inside appDir. */
export async function readAppFile(appDir: string, segments: string[]): Promise<StaticFile | null> {
  const relative = segments.length === 1 && segments[0] === '' ? ['index.html'] : segments;
  const contentType = CONTENT_TYPES[extname(relative[relative.length - 1] ?? '').toLowerCase()];
  if (!contentType) return null;
  try {
    const root = await realpath(appDir);
    const file = await realpath(join(root, ...relative));
    if (!file.startsWith(root + sep)) return null;
    if (!(await stat(file)).isFile()) return null;
    return { body: await readFile(file), contentType, immutable: relative[0] === 'assets' };
  } catch {
    return null;
  }
}
