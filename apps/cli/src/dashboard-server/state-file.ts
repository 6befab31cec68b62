import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

export type StateSnapshot =
  | { kind: 'ok'; bytes: Buffer; etag: string; mtime: Date }
  | { kind: 'missing' }
  | { kind: 'unreadable'; message: string };

/**
 * Reads the state snapshot as it is on disk. The orchestrator replaces the file atomically
 * (rename), so the bytes read through one handle are always one whole snapshot; the ETag is a
 * hash of exactly those bytes. A cache keyed on the handle's stat avoids rehashing an unchanged file
 * on every poll.
 */
export function createStateFileReader(stateFile: string) {
  let cached: { key: string; snapshot: StateSnapshot & { kind: 'ok' } } | null = null;

  async function read(): Promise<StateSnapshot> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(stateFile, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { kind: 'missing' };
      return {
        kind: 'unreadable',
        message: `cannot read the state file ${stateFile} (${code ?? 'error'})`,
      };
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) return { kind: 'unreadable', message: `${stateFile} is not a file` };
      const key = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      if (cached?.key === key) return cached.snapshot;
      const bytes = await handle.readFile();
      const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}"`;
      const snapshot = { kind: 'ok' as const, bytes, etag, mtime: stat.mtime };
      cached = { key, snapshot };
      return snapshot;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return {
        kind: 'unreadable',
        message: `cannot read the state file ${stateFile} (${code ?? 'error'})`,
      };
    } finally {
      await handle.close();
    }
  }

  return { read };
}
