/**
 * Checks of the state's records of what happened (plan changes, warnings, milestones reached):
 * lists that only grow, each entry stamped with when it happened.
 */
import { type Checker, child, describe, type Obj } from './checker.js';
import { PLAN_FIELDS } from './create.js';
import type { MilestoneRecord, PlanChange, TaskStatus, WarningRecord } from './types.js';

export const STATUSES: readonly TaskStatus[] = ['pending', 'in_progress', 'completed', 'failed'];

/**
 * A list of records, each an object stamped (`stamp`, required) with when it happened; `read`
 * checks the rest of one record.
 */
function stampedList<T>(
  c: Checker,
  value: unknown,
  name: string,
  stamp: string,
  read: (obj: Obj, field: string, at: string) => T,
): T[] {
  if (!Array.isArray(value)) c.fail(name, `must be an array, got ${describe(value)}`);
  return value.map((v, i) => {
    const field = child(name, i);
    const obj = c.object(v, field);
    const at = c.timestamp(obj, stamp, field);
    if (at === null) c.fail(child(field, stamp), 'is required');
    return read(obj, field, at);
  });
}

export function checkPlanChanges(c: Checker, value: unknown): PlanChange[] {
  if (value === undefined || value === null) return [];
  return stampedList(c, value, 'plan_changes', 'at', (obj, field, at) => {
    const changedList = obj.changed === undefined ? [] : obj.changed;
    if (!Array.isArray(changedList))
      c.fail(child(field, 'changed'), `must be an array, got ${describe(changedList)}`);
    const change: PlanChange = {
      at,
      added: c.stringArray(obj.added ?? [], child(field, 'added')),
      removed: c.stringArray(obj.removed ?? [], child(field, 'removed')),
      changed: changedList.map((entry, k) => {
        const ef = child(child(field, 'changed'), k);
        const e = c.object(entry, ef);
        const fields = e.fields;
        if (!Array.isArray(fields)) c.fail(child(ef, 'fields'), 'must be an array');
        return {
          id: c.string(e.id, child(ef, 'id')),
          fields: fields.map((f, j) => c.oneOf(f, PLAN_FIELDS, child(child(ef, 'fields'), j))),
          status: c.oneOf(e.status, STATUSES, child(ef, 'status')),
        };
      }),
    };
    if (obj.renamed !== undefined) {
      const r = c.object(obj.renamed, child(field, 'renamed'));
      change.renamed = {
        from: c.string(r.from, child(child(field, 'renamed'), 'from')),
        to: c.string(r.to, child(child(field, 'renamed'), 'to')),
      };
    }
    return change;
  });
}

export function checkWarnings(c: Checker, value: unknown): WarningRecord[] {
  if (value === undefined || value === null) return [];
  return stampedList(c, value, 'warnings', 'at', (obj, field, at) => ({
    at,
    code: c.string(obj.code, child(field, 'code')),
    message: c.string(obj.message, child(field, 'message')),
  }));
}

export function checkMilestones(c: Checker, value: unknown, legacy: boolean): MilestoneRecord[] {
  if (value === undefined && legacy) return [];
  return stampedList(c, value, 'milestones', 'triggered_at', (obj, field, triggered) => ({
    id: c.string(obj.id, child(field, 'id')),
    name: c.optString(obj, 'name', field, String(obj.id)),
    message: c.optString(obj, 'message', field, ''),
    triggered_at: triggered,
  }));
}
