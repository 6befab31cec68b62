import { TASK_ID_PATTERN } from '@program-nova/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WorkspaceError } from './errors.js';
import { MAX_SLUG_LENGTH, projectSlug, resultBranch, taskBranch } from './naming.js';

describe('projectSlug', () => {
  it('makes readable slugs', () => {
    expect(projectSlug('Todo API')).toBe('todo-api');
    expect(projectSlug('  My  Project: v2 (beta)!  ')).toBe('my-project-v2-beta');
    expect(projectSlug('Café Déjà Vu')).toBe('cafe-deja-vu');
    expect(projectSlug('$(rm -rf /); `x`')).toBe('rm-rf-x');
    expect(projectSlug('')).toBe('plan');
    expect(projectSlug('---')).toBe('plan');
    expect(projectSlug('日本語')).toBe('plan');
    expect(projectSlug('a'.repeat(100))).toBe('a'.repeat(MAX_SLUG_LENGTH));
    // Cut at the bound, then no dash left dangling.
    expect(projectSlug(`${'a'.repeat(MAX_SLUG_LENGTH - 1)} b`)).toBe(
      'a'.repeat(MAX_SLUG_LENGTH - 1),
    );
  });

  it('always returns a bounded, idempotent ref component', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (name) => {
        const slug = projectSlug(name);
        expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
        expect(projectSlug(slug)).toBe(slug);
      }),
    );
  });
});

describe('taskBranch', () => {
  it('builds nova/<slug>/tasks/<id> and the result branch', () => {
    expect(taskBranch('todo-api', 'F1')).toBe('nova/todo-api/tasks/F1');
    expect(taskBranch('p', 'api.v2_x-1')).toBe('nova/p/tasks/api.v2_x-1');
    expect(resultBranch('p')).toBe('nova/p/result');
  });

  it('gives every valid task id either a branch or INVALID_BRANCH_NAME, never anything else', () => {
    fc.assert(
      fc.property(fc.stringMatching(TASK_ID_PATTERN), (id) => {
        try {
          const branch = taskBranch('p', id);
          expect(branch).toBe(`nova/p/tasks/${id}`);
          expect(branch).not.toMatch(/\.\.|\.lock$|\.$/);
        } catch (error) {
          expect((error as WorkspaceError).code).toBe('INVALID_BRANCH_NAME');
        }
      }),
    );
  });

  it('rejects anything outside the task id rule', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !TASK_ID_PATTERN.test(s)),
        (id) => {
          expect(() => taskBranch('p', id)).toThrow(
            expect.objectContaining({ code: 'INVALID_TASK_ID' }),
          );
        },
      ),
    );
  });
});
