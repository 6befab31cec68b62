import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeCascade, sampleCascade, usage } from '../../test/helpers.js';
import { applyTransition } from '../apply.js';
import { createState, planTransition } from '../create.js';
import type { Transition } from '../types.js';
import { SnapshotText } from './snapshot-text.js';

const ids = ['F1', 'F2', 'F4', 'U1', 'U2', 'D1', 'D2'];
const at = '2026-05-01T00:00:00.000Z';

const transition = fc.oneof(
  fc.record({ id: fc.constantFrom(...ids), n: fc.nat(1000) }).map(
    ({ id, n }): Transition => ({
      type: 'task_progress',
      at,
      id,
      token_usage: usage(n),
      current_step: `step "${n}"\nnext`,
    }),
  ),
  fc.constantFrom(...ids).map(
    (id): Transition => ({
      type: 'task_started',
      at,
      id,
      worker_id: 'w',
      pid: 1,
      pgid: 1,
      log_path: null,
      model: 'm',
    }),
  ),
  fc.constantFrom(...ids).map(
    (id): Transition => ({
      type: 'task_completed',
      at,
      id,
      exit_code: 0,
      token_usage: usage(3),
      cost_usd: 0.5,
      model: null,
      files_changed: ['a'],
    }),
  ),
  fc.constantFrom(...ids).map((id): Transition => ({ type: 'task_reset', at, id })),
  fc.nat(5).map(
    (n): Transition => ({
      type: 'milestone_reached',
      at,
      id: `m${n}`,
      name: 'M',
      message: 'msg',
    }),
  ),
  fc.constant<Transition>({ type: 'run_started', at, pid: 7, cascade_file: 'C.md' }),
  fc.constant<Transition>({
    type: 'run_paused',
    at,
    until: at,
    reason: 'usage limit reported by F1',
    task: 'F1',
  }),
  fc.constant<Transition>({ type: 'run_resumed', at }),
  fc.constant<Transition | 'replan'>('replan'),
);

describe('SnapshotText', () => {
  it('renders exactly JSON.stringify(state, null, 2) from its cache after any transitions', () => {
    fc.assert(
      fc.property(fc.array(transition, { maxLength: 40 }), (list) => {
        let state = createState(sampleCascade());
        const text = new SnapshotText();
        state.journal_seq = 0;
        expect(text.render(state)).toBe(`${JSON.stringify(state, null, 2)}\n`);
        for (const [i, t] of list.entries()) {
          if (t === 'replan') {
            const edited = makeCascade([
              ['F1', [], 'A', 'G'],
              ['N1', ['F1'], 'A', 'G'],
            ]);
            const plan = planTransition(state, i % 2 ? edited : sampleCascade());
            if (plan) {
              applyTransition(state, plan);
              text.reset();
            }
          } else {
            if ('id' in t && t.type !== 'milestone_reached' && !Object.hasOwn(state.tasks, t.id))
              continue;
            applyTransition(state, t);
            if ('id' in t && t.type !== 'milestone_reached') text.touch(t.id);
          }
          state.journal_seq = i + 1;
          expect(text.render(state)).toBe(`${JSON.stringify(state, null, 2)}\n`);
        }
        state = createState(makeCascade([]));
        expect(new SnapshotText().render(state)).toBe(`${JSON.stringify(state, null, 2)}\n`);
      }),
      { numRuns: 100 },
    );
  });
});
