import { describe, expect, it } from 'vitest';
import { failedRun, plan } from '../../test/fixtures.js';
import { applyFeed, problemOf } from './feed.js';

describe('applyFeed', () => {
  it('takes a whole state, and puts changes into the previous one keeping what did not change', () => {
    const base = applyFeed(null, { version: 'e-1', full: true, state: plan() });
    const changed = failedRun();
    const next = applyFeed(base, {
      version: 'e-2',
      full: false,
      since: 'e-1',
      project: changed.project,
      milestones: changed.milestones,
      journal_seq: 9,
      tasks: { F2: changed.tasks.F2 },
    });
    expect(next.tasks.F2).toEqual(changed.tasks.F2);
    expect(next.tasks.F1).toBe(base.tasks.F1);
    expect(next.graph).toBe(base.graph);
    expect(next.journal_seq).toBe(9);
    expect(Object.keys(next.tasks)).toEqual(Object.keys(base.tasks));
  });

  it('takes every field of the state the change carries, and drops one it no longer carries', () => {
    const base = applyFeed(null, {
      version: 'e-1',
      full: true,
      state: { ...plan(), journal_seq: 4 },
    });
    const { graph: _graph, tasks: _tasks, journal_seq: _seq, ...fields } = base;
    const removed = { OLD: { ...base.tasks.F1!, name: 'Gone' } };
    const next = applyFeed(base, {
      version: 'e-2',
      full: false,
      since: 'e-1',
      ...fields,
      removed_tasks: removed,
      warnings: [{ code: 'PLAN_CHANGED', message: 'm', at: '2026-12-06T00:00:00Z' }],
      tasks: {},
    });
    expect(next.removed_tasks).toEqual(removed);
    expect(next.warnings).toHaveLength(1);
    expect(next.journal_seq).toBeUndefined();
    expect(next.graph).toBe(base.graph);
  });

  it('refuses what it cannot apply, so the whole state is asked for again', () => {
    const base = plan();
    for (const doc of [
      null,
      { full: true },
      { version: 'e-1', full: true, state: { tasks: {} } },
      { version: 'e-2', full: false, project: base.project, tasks: { NOPE: {} } },
    ]) {
      expect(() => applyFeed(base, doc)).toThrow();
    }
    expect(() =>
      applyFeed(null, { version: 'e-2', full: false, project: {}, tasks: {} }),
    ).toThrow();
  });

  it('names the file in what it says about a missing or unusable state', () => {
    expect(problemOf(404, { stateFile: '/x/s.json' }, 'f').message).toContain('/x/s.json');
    expect(problemOf(503, { code: 'STATE_CORRUPT', message: '/x/s.json: bad' }, 'f')).toEqual({
      kind: 'unreadable',
      message: 'STATE_CORRUPT: /x/s.json: bad',
    });
    expect(problemOf(401, null, 'f').kind).toBe('unauthorized');
  });
});
