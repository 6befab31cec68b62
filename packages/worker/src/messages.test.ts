import { describe, expect, it } from 'vitest';
import { describeSystemError } from './messages.js';

describe('describeSystemError', () => {
  it('gives the errno and its meaning, without the syscall and path Node appends', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
    });
    expect(describeSystemError(enospc)).toBe('ENOSPC (no space left on device)');
    const eacces = Object.assign(new Error("EACCES: permission denied, open '/x/T1.log'"), {
      code: 'EACCES',
    });
    expect(describeSystemError(eacces)).toBe('EACCES (permission denied)');
  });

  it('keeps a message of another shape whole, with the code when it lacks one', () => {
    expect(describeSystemError(Object.assign(new Error('odd failure'), { code: 'EIO' }))).toBe(
      'EIO (odd failure)',
    );
    expect(describeSystemError(new Error('no code at all'))).toBe('no code at all');
    expect(describeSystemError('a string')).toBe('a string');
  });
});
