import { describe, expect, it } from 'vitest';
import { splitCommand } from './split-command.js';

describe('splitCommand', () => {
  it('splits on whitespace and honours quotes and backslashes, no shell semantics', () => {
    expect(splitCommand('claude -p --model {model}')).toEqual([
      'claude',
      '-p',
      '--model',
      '{model}',
    ]);
    expect(splitCommand(`node "my agent.mjs" 'a b' c\\ d ""`)).toEqual([
      'node',
      'my agent.mjs',
      'a b',
      'c d',
      '',
    ]);
    expect(splitCommand('echo $(rm -rf /) ; ls | cat')).toEqual([
      'echo',
      '$(rm',
      '-rf',
      '/)',
      ';',
      'ls',
      '|',
      'cat',
    ]);
    expect(splitCommand('  ')).toEqual([]);
  });

  it('rejects an unbalanced quote', () => {
    expect(() => splitCommand('node "x')).toThrow(/unbalanced/);
  });
});
