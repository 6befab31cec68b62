import { describe, expect, it } from 'vitest';

// The built files, as other packages import them (a runtime URL, so typechecking does not need dist).
const load = (name: string) => import(new URL(`../dist/${name}`, import.meta.url).href);

// The public surface, pinned: a change here is a change for every package that builds on this one.
describe('public API', () => {
  it('main entry (browser-safe)', async () => {
    const api = await load('index.js');
    expect(Object.keys(api).sort()).toEqual([
      'DEFAULT_PRICING',
      'StateError',
      'applyTransition',
      'blockedBy',
      'costOf',
      'createState',
      'elapsedSeconds',
      'evaluateMilestones',
      'graphNodes',
      'isBlocked',
      'parseMilestones',
      'parseStateText',
      'pauseOf',
      'planTransition',
      'priceOf',
      'reconcile',
      'rollup',
      'summarize',
      'taskCost',
      'validateState',
    ]);
  });

  it('store entry (Node)', async () => {
    const api = await load('store.js');
    expect(Object.keys(api).sort()).toEqual([
      'inspectStateLock',
      'journalPathFor',
      'lockPathFor',
      'openStore',
      'ownIdentity',
      'readState',
      'recordedWriterLiveness',
      'unlockState',
    ]);
  });

  it('graphNodes gives the parser graph helpers the state graph', async () => {
    const { graphNodes, createState } = await load('index.js');
    const { criticalPath } = await import('@program-nova/parser/graph');
    const { makeCascade } = await import('./helpers.js');
    const s = createState(
      makeCascade([
        ['A', [], 'b', 'g'],
        ['B', ['A'], 'b', 'g'],
        ['C', [], 'b', 'g'],
      ]),
    );
    expect(criticalPath(graphNodes(s)).path).toEqual(['A', 'B']);
  });
});
