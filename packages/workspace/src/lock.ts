/**
 * In-process mutual exclusion by key. Work on different keys runs at once; work on one key runs in
 * call order. Keys are shared by every workspace set in the process, so two sets on the same
 * repository still take turns on what git keeps once per repository.
 */
const tails = new Map<string, Promise<void>>();

export async function withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const before = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => {
    release = r;
  });
  const tail = before.then(() => mine);
  tails.set(key, tail);
  await before;
  try {
    return await work();
  } finally {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  }
}
