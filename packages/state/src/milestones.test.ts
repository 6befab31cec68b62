import { describe, expect, it } from 'vitest';
import { sampleCascade, usage } from '../test/helpers.js';
import { applyTransition } from './apply.js';
import { createState } from './create.js';
import type { StateError } from './errors.js';
import { evaluateMilestones, parseMilestones } from './milestones.js';

const YAML = `# milestones for the sample plan
milestones:
  - id: foundation
    name: Foundation laid
    message: Core types are in.
    type: all_tasks_completed
    tasks: [F1, F2]
  - id: half
    type: percentage_complete
    threshold: 50
  - id: trouble
    name: Something failed
    trigger:            # the Program Nova form
      type: any_task_failed
  - id: found-group
    type: group_completed
    group: Foundation
    branch: Application
  - id: docs
    type: branch_completed
    branch: Docs
  - id: everything
    type: all_tasks_completed
`;

function errorOf(fn: () => unknown): StateError {
  try {
    fn();
  } catch (error) {
    return error as StateError;
  }
  throw new Error('expected an error');
}

describe('parseMilestones', () => {
  it('reads every condition type, inline or under trigger, with lines', () => {
    const defs = parseMilestones(YAML, { state: createState(sampleCascade()) });
    expect(defs.map((d) => [d.id, d.condition.type, d.line])).toEqual([
      ['foundation', 'all_tasks_completed', 3],
      ['half', 'percentage_complete', 8],
      ['trouble', 'any_task_failed', 11],
      ['found-group', 'group_completed', 15],
      ['docs', 'branch_completed', 19],
      ['everything', 'all_tasks_completed', 22],
    ]);
    expect(defs[0]).toMatchObject({
      name: 'Foundation laid',
      message: 'Core types are in.',
      condition: { tasks: ['F1', 'F2'] },
    });
    expect(defs[1]!.name).toBe('half');
    expect(defs[5]!.condition).toEqual({ type: 'all_tasks_completed' });
  });

  it('reports an unknown task, group or branch with its file and line', () => {
    const state = createState(sampleCascade());
    const e = errorOf(() =>
      parseMilestones(
        'milestones:\n  - id: a\n    type: all_tasks_completed\n    tasks:\n      - F1\n      - F9\n',
        { file: 'ms.yaml', state },
      ),
    );
    expect(e.code).toBe('MILESTONES_INVALID');
    expect(e.file).toBe('ms.yaml');
    expect(e.line).toBe(6);
    expect(e.message).toBe('ms.yaml:6: milestone "a": unknown task "F9"');
    const e2 = errorOf(() =>
      parseMilestones(
        'milestones:\n  - id: g\n    type: group_completed\n    group: Nope\n  - id: b\n    type: branch_completed\n    branch: Nah\n',
        { state },
      ),
    );
    expect(e2.problems).toEqual([
      { line: 4, message: 'milestone "g": unknown group "Nope"' },
      { line: 7, message: 'milestone "b": unknown branch "Nah"' },
    ]);
    expect(e2.message).toContain('milestones.yaml:4:');
  });

  it('reports bad shapes and YAML syntax with lines', () => {
    expect(
      errorOf(() => parseMilestones('milestones:\n  - id: x\n    type: sometimes\n')).line,
    ).toBe(3);
    expect(
      errorOf(() =>
        parseMilestones(
          'milestones:\n  - id: x\n    type: percentage_complete\n    threshold: 150\n',
        ),
      ).line,
    ).toBe(4);
    expect(
      errorOf(() =>
        parseMilestones(
          'milestones:\n  - id: x\n    type: any_task_failed\n  - id: x\n    type: any_task_failed\n',
        ),
      ).line,
    ).toBe(4);
    expect(
      errorOf(() => parseMilestones('milestones:\n  - name: no id\n    type: any_task_failed\n'))
        .line,
    ).toBe(2);
    const syntax = errorOf(() => parseMilestones('milestones:\n  - id: [unclosed\n'));
    expect(syntax.code).toBe('MILESTONES_INVALID');
    expect(syntax.message).toMatch(/YAML syntax error/);
    expect(parseMilestones('')).toEqual([]);
    expect(parseMilestones('milestones:\n')).toEqual([]);
  });
});

describe('evaluateMilestones', () => {
  it('reports each milestone once, when it is reached', () => {
    const s = createState(sampleCascade());
    const defs = parseMilestones(YAML, { state: s });
    const now = new Date('2026-03-01T12:00:00Z');
    expect(evaluateMilestones(s, defs, now)).toEqual([]);
    const done = (id: string) => {
      applyTransition(s, {
        type: 'task_started',
        at: now.toISOString(),
        id,
        worker_id: 'w',
        pid: 1,
        pgid: 1,
        log_path: null,
        model: null,
      });
      applyTransition(s, {
        type: 'task_completed',
        at: now.toISOString(),
        id,
        exit_code: 0,
        token_usage: usage(0),
        cost_usd: 0,
        model: null,
      });
    };
    done('F1');
    done('F2');
    const first = evaluateMilestones(s, defs, now);
    expect(first).toEqual([
      {
        type: 'milestone_reached',
        at: now.toISOString(),
        id: 'foundation',
        name: 'Foundation laid',
        message: 'Core types are in.',
      },
    ]);
    for (const t of first) applyTransition(s, t);
    expect(evaluateMilestones(s, defs, now)).toEqual([]);
    done('F4');
    done('D1');
    done('D2');
    expect(evaluateMilestones(s, defs, now).map((t) => t.id)).toEqual([
      'half',
      'found-group',
      'docs',
    ]);
    s.tasks.U1!.status = 'failed';
    expect(evaluateMilestones(s, defs, now).map((t) => t.id)).toEqual([
      'half',
      'trouble',
      'found-group',
      'docs',
    ]);
  });
});
