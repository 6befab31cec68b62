import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { StateError } from './errors.js';
import type { CascadeState, MilestoneCondition, MilestoneDefinition, Transition } from './types.js';

export interface ParseMilestonesOptions {
  /** Named in errors (default `milestones.yaml`). */
  file?: string;
  /** When given, task IDs, groups and branches are checked against its graph. */
  state?: CascadeState;
}

const TYPES = [
  'all_tasks_completed',
  'percentage_complete',
  'any_task_failed',
  'group_completed',
  'branch_completed',
] as const;

interface Problem {
  line: number;
  message: string;
}

/**
 * Reads milestones.yaml (shape in the README): a `milestones` list whose items carry `id`, optional
 * `name` and `message`, and a condition either inline (`type: ...`) or under `trigger:` as Program Nova
 * wrote it. Every problem is collected; one StateError MILESTONES_INVALID reports them all, the first
 * one's line in `line`.
 */
export function parseMilestones(
  yamlText: string,
  options: ParseMilestonesOptions = {},
): MilestoneDefinition[] {
  const file = options.file ?? 'milestones.yaml';
  const counter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: counter, prettyErrors: true });
  const problems: Problem[] = [];
  const lineOf = (node: YamlNode | null | undefined, fallback = 1): number =>
    node?.range ? counter.linePos(node.range[0]).line : fallback;
  const fail = (): never => {
    problems.sort((a, b) => a.line - b.line);
    const first = problems[0]!;
    throw new StateError(
      'MILESTONES_INVALID',
      problems.map((p) => `${file}:${p.line}: ${p.message}`).join('\n'),
      { file, line: first.line, problems },
    );
  };

  for (const error of doc.errors) {
    problems.push({
      line: error.linePos?.[0]?.line ?? 1,
      message: `YAML syntax error: ${error.message.split('\n')[0]}`,
    });
  }
  if (problems.length > 0) fail();

  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return [];
  let list: YamlNode | null | undefined = root;
  if (isMap(root)) {
    list = root.get('milestones', true) as YamlNode | undefined;
    if (list === undefined || (isScalar(list) && list.value === null)) return [];
  }
  if (!isSeq(list)) {
    problems.push({
      line: lineOf(list),
      message: 'expected a list of milestones under `milestones:`',
    });
    return fail();
  }

  const graph = options.state?.graph;
  const branches = new Set(graph?.hierarchy.map((b) => b.branch));
  const groupsByBranch = new Map(
    graph?.hierarchy.map((b) => [b.branch, new Set(b.groups.map((g) => g.group))]),
  );
  const allGroups = new Set(graph?.hierarchy.flatMap((b) => b.groups.map((g) => g.group)));

  const out: MilestoneDefinition[] = [];
  const seen = new Map<string, number>();
  for (const item of list.items as YamlNode[]) {
    const line = lineOf(item);
    if (!isMap(item)) {
      problems.push({
        line,
        message: 'a milestone must be a mapping with at least `id` and `type`',
      });
      continue;
    }
    const scalarText = (key: string, from = item): { text: string | undefined; line: number } => {
      const node = from.get(key, true) as YamlNode | undefined;
      if (node === undefined) return { text: undefined, line };
      if (!isScalar(node) || node.value === null || typeof node.value === 'object') {
        problems.push({ line: lineOf(node, line), message: `\`${key}\` must be a plain value` });
        return { text: undefined, line: lineOf(node, line) };
      }
      return { text: String(node.value), line: lineOf(node, line) };
    };
    const id = scalarText('id');
    if (id.text === undefined || id.text === '') {
      problems.push({ line, message: 'milestone without an `id`' });
      continue;
    }
    if (seen.has(id.text)) {
      problems.push({
        line: id.line,
        message: `duplicate milestone id "${id.text}" (first on line ${seen.get(id.text)})`,
      });
      continue;
    }
    seen.set(id.text, id.line);
    const triggerNode = item.get('trigger', true) as YamlNode | undefined;
    let cond = item;
    if (triggerNode !== undefined) {
      if (!isMap(triggerNode)) {
        problems.push({
          line: lineOf(triggerNode, line),
          message: `milestone "${id.text}": \`trigger\` must be a mapping`,
        });
        continue;
      }
      cond = triggerNode;
    }
    const type = scalarText('type', cond);
    if (type.text === undefined) {
      problems.push({
        line,
        message: `milestone "${id.text}" has no \`type\` (one of ${TYPES.join(', ')})`,
      });
      continue;
    }
    if (!(TYPES as readonly string[]).includes(type.text)) {
      problems.push({
        line: type.line,
        message: `milestone "${id.text}": unknown type "${type.text}" (one of ${TYPES.join(', ')})`,
      });
      continue;
    }
    let condition: MilestoneCondition | undefined;
    switch (type.text as (typeof TYPES)[number]) {
      case 'all_tasks_completed': {
        const tasksNode = cond.get('tasks', true) as YamlNode | undefined;
        if (tasksNode === undefined) {
          condition = { type: 'all_tasks_completed' };
          break;
        }
        if (!isSeq(tasksNode) || tasksNode.items.length === 0) {
          problems.push({
            line: lineOf(tasksNode, line),
            message: `milestone "${id.text}": \`tasks\` must be a non-empty list of task IDs`,
          });
          break;
        }
        const tasks: string[] = [];
        for (const t of tasksNode.items as YamlNode[]) {
          if (!isScalar(t) || t.value === null || typeof t.value === 'object') {
            problems.push({
              line: lineOf(t, line),
              message: `milestone "${id.text}": a task ID must be a plain value`,
            });
            continue;
          }
          const tid = String(t.value);
          if (graph && !Object.hasOwn(graph.tasks, tid)) {
            problems.push({
              line: lineOf(t, line),
              message: `milestone "${id.text}": unknown task "${tid}"`,
            });
          }
          tasks.push(tid);
        }
        condition = { type: 'all_tasks_completed', tasks };
        break;
      }
      case 'percentage_complete': {
        const node = cond.get('threshold', true) as YamlNode | undefined;
        const value = isScalar(node) ? node.value : undefined;
        if (typeof value !== 'number' || !(value > 0 && value <= 100)) {
          problems.push({
            line: lineOf(node, line),
            message: `milestone "${id.text}": \`threshold\` must be a number above 0 and at most 100`,
          });
          break;
        }
        condition = { type: 'percentage_complete', threshold: value };
        break;
      }
      case 'any_task_failed':
        condition = { type: 'any_task_failed' };
        break;
      case 'group_completed': {
        const group = scalarText('group', cond);
        const branch = scalarText('branch', cond);
        if (group.text === undefined) {
          problems.push({
            line,
            message: `milestone "${id.text}": group_completed needs \`group\``,
          });
          break;
        }
        if (graph && branch.text !== undefined && !branches.has(branch.text)) {
          problems.push({
            line: branch.line,
            message: `milestone "${id.text}": unknown branch "${branch.text}"`,
          });
          break;
        }
        if (
          graph &&
          !(branch.text === undefined ? allGroups : groupsByBranch.get(branch.text)!).has(
            group.text,
          )
        ) {
          const scope = branch.text === undefined ? '' : ` in branch "${branch.text}"`;
          problems.push({
            line: group.line,
            message: `milestone "${id.text}": unknown group "${group.text}"${scope}`,
          });
          break;
        }
        condition = {
          type: 'group_completed',
          group: group.text,
          ...(branch.text === undefined ? {} : { branch: branch.text }),
        };
        break;
      }
      case 'branch_completed': {
        const branch = scalarText('branch', cond);
        if (branch.text === undefined) {
          problems.push({
            line,
            message: `milestone "${id.text}": branch_completed needs \`branch\``,
          });
          break;
        }
        if (graph && !branches.has(branch.text)) {
          problems.push({
            line: branch.line,
            message: `milestone "${id.text}": unknown branch "${branch.text}"`,
          });
          break;
        }
        condition = { type: 'branch_completed', branch: branch.text };
        break;
      }
    }
    if (condition === undefined) continue;
    out.push({
      id: id.text,
      name: scalarText('name').text ?? id.text,
      message: scalarText('message').text ?? '',
      condition,
      line,
    });
  }
  if (problems.length > 0) fail();
  return out;
}

function tasksOfCondition(state: CascadeState, c: MilestoneCondition): string[] | null {
  switch (c.type) {
    case 'all_tasks_completed':
      return c.tasks ?? Object.keys(state.tasks);
    case 'group_completed':
      return state.graph.hierarchy
        .filter((b) => c.branch === undefined || b.branch === c.branch)
        .flatMap((b) => b.groups.filter((g) => g.group === c.group).flatMap((g) => g.tasks));
    case 'branch_completed':
      return state.graph.hierarchy
        .filter((b) => b.branch === c.branch)
        .flatMap((b) => b.groups.flatMap((g) => g.tasks));
    default:
      return null;
  }
}

function reached(state: CascadeState, c: MilestoneCondition): boolean {
  const ids = tasksOfCondition(state, c);
  if (ids !== null) {
    // A milestone over nothing (or over tasks the plan no longer has) is not reached.
    return (
      ids.length > 0 &&
      ids.every((id) => Object.hasOwn(state.tasks, id) && state.tasks[id]!.status === 'completed')
    );
  }
  const all = Object.values(state.tasks);
  if (c.type === 'any_task_failed') return all.some((t) => t.status === 'failed');
  if (c.type === 'percentage_complete') {
    if (all.length === 0) return false;
    return (all.filter((t) => t.status === 'completed').length / all.length) * 100 >= c.threshold;
  }
  return false;
}

/**
 * The milestones newly reached in `state` (those not already in `state.milestones`), as transitions
 * to record, in definition order. Recording them is what makes each milestone fire once.
 */
export function evaluateMilestones(
  state: CascadeState,
  definitions: readonly MilestoneDefinition[],
  now: Date = new Date(),
): Extract<Transition, { type: 'milestone_reached' }>[] {
  const done = new Set(state.milestones.map((m) => m.id));
  const at = now.toISOString();
  return definitions
    .filter((d) => !done.has(d.id) && reached(state, d.condition))
    .map((d) => ({ type: 'milestone_reached', at, id: d.id, name: d.name, message: d.message }));
}
