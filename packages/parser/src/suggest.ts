/** "Did you mean" for an unknown dependency: the closest existing task ID, if it is close enough. */
import { editDistance } from '@program-nova/core';

/** IDs with separators removed, lower-cased: `F-1`, `f1` and `F_1` all read as `f1`. */
function loose(id: string): string {
  let out = '';
  for (const ch of id.toLowerCase()) if (ch !== '-' && ch !== '_' && ch !== '.') out += ch;
  return out;
}

export interface Suggester {
  suggest(unknown: string): string | undefined;
}

/**
 * Builds a suggester over `ids`. Closeness: the same ID ignoring case and separators first, then an
 * edit distance of 1 for IDs up to 4 characters, 2 up to 10, 3 beyond. When several IDs are equally
 * close (`F9` is one edit from both `F1` and `F2`) there is no good guess, so none is offered.
 */
export function createSuggester(ids: readonly string[]): Suggester {
  const byLoose = new Map<string, string>();
  for (const id of ids) {
    const key = loose(id);
    if (!byLoose.has(key)) byLoose.set(key, id);
  }
  const cache = new Map<string, string | undefined>();
  return {
    suggest(unknown) {
      if (cache.has(unknown)) return cache.get(unknown);
      let best: string | undefined = byLoose.get(loose(unknown));
      if (best === undefined) {
        const target = unknown.toLowerCase();
        let limit = target.length <= 4 ? 1 : target.length <= 10 ? 2 : 3;
        let bestDistance = limit + 1;
        let ties = 0;
        for (const id of ids) {
          const d = editDistance(target, id.toLowerCase(), limit);
          if (d < bestDistance) {
            best = id;
            bestDistance = d;
            ties = 1;
            limit = d;
          } else if (d === bestDistance) {
            ties++;
          }
        }
        if (ties > 1) best = undefined;
      }
      cache.set(unknown, best);
      return best;
    },
  };
}
