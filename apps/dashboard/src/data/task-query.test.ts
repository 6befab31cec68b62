import { describe, expect, it } from 'vitest';
import { at, failedRun } from '../../test/fixtures.js';
import { DEFAULT_QUERY } from '../routing/routes.js';
import { modelOf } from './model.js';
import { matchScore, runTaskQuery, searchTasks } from './task-query.js';

const model = modelOf(failedRun());
const now = new Date(at(161));

describe('task search', () => {
  it('ranks an exact id over a prefix over a name over anything inside', () => {
    expect(matchScore('F2', 'Error Handling', 'f2')).toBeGreaterThan(matchScore('F21', 'x', 'f2'));
    expect(matchScore('F21', 'x', 'f2')).toBeGreaterThan(matchScore('A1', 'F2 helpers', 'f2'));
    expect(matchScore('A1', 'Config loader', 'load')).toBeGreaterThan(0);
    expect(matchScore('A1', 'Config', 'zzz')).toBe(0);
    expect(searchTasks(model, 'x', 10)).toEqual(['X1', 'X2', 'X3']);
    expect(searchTasks(model, 'guide', 10)).toEqual(['D1']);
  });

  it('filters by status and text, and sorts by any figure with unknowns last', () => {
    const q = (over: Partial<typeof DEFAULT_QUERY>) =>
      runTaskQuery(model, now, { ...DEFAULT_QUERY, ...over });
    expect(q({})).toEqual(model.ids);
    expect(q({ status: ['blocked'] })).toEqual(['F3', 'X1', 'X2', 'D1']);
    expect(q({ status: ['failed', 'in_progress'] })).toEqual(['F2', 'X3']);
    expect(q({ q: 'utils' })).toEqual(['F3']);
    expect(q({ branch: 'Docs' })).toEqual(['D1']);
    // F2 ran 69 s, F1 60 s, X3 60 s so far, F4 39 s; the rest never ran.
    expect(q({ sort: 'duration', dir: 'desc' }).slice(0, 4)).toEqual(['F2', 'F1', 'X3', 'F4']);
    expect(q({ sort: 'cost', dir: 'desc' }).slice(0, 3)).toEqual(['F1', 'F4', 'F2']);
    // X3 runs on a priced model with no tokens yet: $0.00, known.
    expect(q({ sort: 'cost', dir: 'asc' }).slice(0, 3)).toEqual(['X3', 'F2', 'F1']);
    expect(q({ sort: 'status' }).slice(0, 2)).toEqual(['F2', 'X3']);
  });
});
