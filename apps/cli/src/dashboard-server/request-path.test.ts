import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHostAllowList } from './host-allow-list.js';
import { parseRequestTarget } from './request-path.js';

describe('parseRequestTarget', () => {
  it('splits a plain target into decoded segments and a query', () => {
    const t = parseRequestTarget('/logs/F1%2E2?tail=10');
    expect(t?.segments).toEqual(['logs', 'F1.2']);
    expect(t?.query.get('tail')).toBe('10');
    expect(parseRequestTarget('/')?.segments).toEqual(['']);
  });

  it('never yields a segment that could climb out of a folder, whatever the input', () => {
    const piece = fc.constantFrom(
      '..',
      '.',
      '%2e',
      '%2E',
      '%2f',
      '%2F',
      '/',
      '\\',
      '%5c',
      '%00',
      '#',
      'a',
      'F1',
      '%',
      '?',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.string(), (pieces, extra) => {
        for (const raw of [`/${pieces.join('')}`, `/${pieces.join('/')}${extra}`]) {
          const t = parseRequestTarget(raw);
          if (!t) continue;
          for (const s of t.segments) {
            expect(s === '.' || s === '..').toBe(false);
            expect(/[/\\\0]/.test(s)).toBe(false);
          }
          expect(t.segments.slice(0, -1)).not.toContain('');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it.each(['', 'logs/F1', '//evil/x', 'http://x/y', '/a#b', '/%zz', '/a//b'])(
    'refuses %j',
    (raw) => {
      expect(parseRequestTarget(raw)).toBeNull();
    },
  );
});

describe('createHostAllowList', () => {
  it('answers the local names and the bound host with the port only', () => {
    const ok = createHostAllowList('::1', 8123, ['devbox']);
    for (const h of ['localhost:8123', '127.0.0.1:8123', '[::1]:8123', 'DevBox:8123']) {
      expect(ok(h), h).toBe(true);
    }
    for (const h of [
      undefined,
      '',
      'localhost',
      '::1:8123',
      'devbox',
      'evil:8123',
      'localhost:81234',
    ]) {
      expect(ok(h), String(h)).toBe(false);
    }
  });
});
