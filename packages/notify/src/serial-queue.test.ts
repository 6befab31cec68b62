import { describe, expect, it } from 'vitest';
import { drainWithin, SerialQueue } from './serial-queue.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

describe('SerialQueue', () => {
  it('handles items one at a time in order', async () => {
    const seen: string[] = [];
    let running = 0;
    const q = new SerialQueue<number>({
      limit: 10,
      onDrop: () => {},
      async handle(n) {
        running++;
        seen.push(`start ${n} (${running} running)`);
        await new Promise((r) => setImmediate(r));
        running--;
      },
    });
    for (const n of [1, 2, 3]) q.push(n);
    await q.idle();
    expect(seen).toEqual(['start 1 (1 running)', 'start 2 (1 running)', 'start 3 (1 running)']);
  });

  it('a full queue drops its oldest waiting items', async () => {
    const g = gate();
    const handled: number[] = [];
    const dropped: number[] = [];
    const q = new SerialQueue<number>({
      limit: 2,
      onDrop: (n) => dropped.push(n),
      async handle(n) {
        if (n === 1) await g.opened;
        handled.push(n);
      },
    });
    for (const n of [1, 2, 3, 4, 5]) q.push(n);
    expect(q.pending).toBe(2);
    g.open();
    await q.idle();
    expect(dropped).toEqual([2, 3]);
    expect(handled).toEqual([1, 4, 5]);
  });

  it('drainWithin stops what does not finish in time and counts it', async () => {
    let aborted = false;
    const q = new SerialQueue<number>({
      limit: 10,
      onDrop: () => {},
      async handle(_n, signal) {
        await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
        aborted = true;
      },
    });
    q.push(1);
    q.push(2);
    expect(await drainWithin([q], 20)).toBe(2);
    expect(aborted).toBe(true);
    expect(q.busy).toBe(false);
    const idle = new SerialQueue<number>({ limit: 1, onDrop: () => {}, handle: async () => {} });
    idle.push(1);
    expect(await drainWithin([idle], 10_000)).toBe(0);
  });
});
