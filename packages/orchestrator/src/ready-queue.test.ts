import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priorityOrder, ReadyQueue } from './ready-queue.js';

describe('priorityOrder', () => {
  it('sorts by remaining chain length, file order on ties', () => {
    expect(priorityOrder(['A', 'B', 'C', 'D'], { A: 1, B: 3, C: 2, D: 3 })).toEqual([
      'B',
      'D',
      'C',
      'A',
    ]);
  });
});

describe('ReadyQueue', () => {
  it('pops in rank order whatever the push order, without duplicates', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 49 }), { maxLength: 200 }), (pushes) => {
        const order = Array.from({ length: 50 }, (_, i) => `T${i}`);
        const q = new ReadyQueue(order);
        for (const i of pushes) q.push(`T${i}`);
        const expected = [...new Set(pushes)].sort((a, b) => a - b).map((i) => `T${i}`);
        expect(q.size).toBe(expected.length);
        expect(q.toArray()).toEqual(expected);
        const popped: string[] = [];
        for (let id = q.pop(); id !== undefined; id = q.pop()) popped.push(id);
        expect(popped).toEqual(expected);
      }),
    );
  });

  it('ignores unknown ids and can be re-filled after pop', () => {
    const q = new ReadyQueue(['A', 'B']);
    q.push('Z');
    q.push('B');
    expect(q.pop()).toBe('B');
    q.push('B');
    expect(q.has('B')).toBe(true);
    expect(q.peek()).toBe('B');
    q.clear();
    expect(q.pop()).toBeUndefined();
  });
});
