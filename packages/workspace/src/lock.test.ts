import { describe, expect, it } from 'vitest';
import { withLock } from './lock.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('withLock', () => {
  it('runs work on one key in call order, one at a time, and other keys alongside', async () => {
    const log: string[] = [];
    const job = (key: string, name: string) =>
      withLock(key, async () => {
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
        return name;
      });
    const results = await Promise.all([job('k', 'a'), job('k', 'b'), job('other', 'x')]);
    expect(results).toEqual(['a', 'b', 'x']);
    expect(log.indexOf('end a')).toBeLessThan(log.indexOf('start b'));
    expect(log.indexOf('start x')).toBeLessThan(log.indexOf('end a'));
  });

  it('releases the key when the work throws', async () => {
    await expect(withLock('boom', async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(withLock('boom', async () => 'next')).resolves.toBe('next');
  });
});
