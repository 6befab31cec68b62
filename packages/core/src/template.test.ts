import { describe, expect, it } from 'vitest';
import { expandTemplate, expandText } from './template.js';

describe('expandTemplate', () => {
  it('substitutes inside elements and never splits a value', () => {
    const argv = expandTemplate(['run', '--name={name}', '{description}', '{id}-{id}'], {
      id: 'F1',
      name: 'a b; c',
      description: '$(touch x) `y` "q"\n-z',
    });
    expect(argv).toEqual(['run', '--name=a b; c', '$(touch x) `y` "q"\n-z', 'F1-F1']);
  });

  it('leaves unknown placeholders and does not re-expand substituted text', () => {
    expect(
      expandTemplate(['{unknown}', '{name}', '{ name}'], { name: '{prompt}', prompt: 'P' }),
    ).toEqual(['{unknown}', '{prompt}', '{ name}']);
  });

  it('ignores inherited object keys', () => {
    expect(expandText('{constructor}{toString}', {})).toBe('{constructor}{toString}');
  });
});
