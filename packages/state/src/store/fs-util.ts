import { randomBytes } from 'node:crypto';
import { type FileHandle, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errnoCode } from '@program-nova/core/node';

/** Prefix of every temporary file this package creates beside `target`. */
export function tempPrefix(target: string): string {
  return `.${basename(target)}.tmp-`;
}

/** A fresh temporary path in the same directory as `target` (so a rename onto it is atomic). */
export function tempPathFor(target: string): string {
  return join(
    dirname(target),
    `${tempPrefix(target)}${process.pid}-${randomBytes(6).toString('hex')}`,
  );
}

/** fsync of a directory, so a rename or link in it survives power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some filesystems refuse fsync on a directory (EINVAL/EBADF/EISDIR); the rename is still atomic.
    const code = errnoCode(error);
    if (code !== 'EINVAL' && code !== 'EBADF' && code !== 'EISDIR' && code !== 'ENOTSUP')
      throw error;
  } finally {
    await handle.close();
  }
}

/** File content: text, bytes, or a list of byte chunks written in order (one gathered write). */
export type FileData = string | Uint8Array | readonly Uint8Array[];

async function writeChunks(handle: FileHandle, chunks: readonly Uint8Array[]): Promise<void> {
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const { bytesWritten } = await handle.writev(chunks as Uint8Array[]);
  // libuv finishes short writes itself; should one still come back short, write the rest plainly.
  if (bytesWritten < total) {
    await handle.writeFile(Buffer.concat(chunks as Uint8Array[]).subarray(bytesWritten));
  }
}

/** Writes `data` to a temporary file, fsyncs it, and returns its path (caller renames or links it). */
export async function writeDurableTemp(target: string, data: FileData): Promise<string> {
  const temp = tempPathFor(target);
  const handle = await open(temp, 'wx', 0o644);
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
    else await writeChunks(handle, data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  return temp;
}

/**
 * Replaces `target` with `data` atomically: temp file in the same directory, fsync, rename, fsync of
 * the directory. A reader sees the old file or the new one, never a mix.
 */
export async function replaceFileAtomic(target: string, data: FileData): Promise<void> {
  const temp = await writeDurableTemp(target, data);
  try {
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await fsyncDir(dirname(target));
}

/**
 * Removes temporary files a crashed process left beside `target` (only call while holding the lease).
 * `keep(pid)` spares the temps of processes that may still be using theirs.
 */
export async function removeStaleTemps(
  target: string,
  keep: (pid: number) => boolean = () => false,
): Promise<void> {
  const prefix = tempPrefix(target);
  let names: string[];
  try {
    names = await readdir(dirname(target));
  } catch {
    return;
  }
  await Promise.all(
    names
      .filter((n) => n.startsWith(prefix) && !keep(Number.parseInt(n.slice(prefix.length), 10)))
      .map((n) => unlink(join(dirname(target), n)).catch(() => {})),
  );
}
