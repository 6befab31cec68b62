/**
 * Walks the top-level headings and tables of a plan and turns task tables into raw tasks, keeping
 * the positions that later diagnostics need. Problems local to one table or cell are reported here;
 * problems between tasks (duplicates, dependencies, cycles) in validate.ts.
 */
import { isTaskId, TASK_ID_PATTERN_TEXT } from '@program-nova/core';
import type { Heading, Table, TableCell } from 'mdast';
import { cellStart, cellText, inlineText, type Point } from './cell-text.js';
import { isNone, parseModel, parseRetries, parseTimeout, parseVerify } from './fields.js';
import type { Block } from './markdown-blocks.js';
import type { Diagnostic, Warning } from './types.js';

export interface DependencyRef {
  id: string;
  line: number;
  column: number;
}

export interface RawTask {
  id: string;
  name: string;
  description: string;
  deps: DependencyRef[];
  branch: string;
  group: string;
  line: number;
  idAt: Point;
  depsAt: Point;
  fields: Record<string, string>;
  model?: string;
  timeoutMs?: number;
  retries?: number;
  verify?: string[];
}

export interface Extracted {
  projectName: string | undefined;
  tasks: RawTask[];
  /** Branches and groups in order of appearance, with their tasks. */
  hierarchy: { branch: string; groups: { group: string; tasks: string[] }[] }[];
  errors: Diagnostic[];
  warnings: Warning[];
}

type Role = 'id' | 'deps' | 'name' | 'description';

/** Header text to a comparison key: case, spaces, `-`, `_` and a trailing colon do not matter. */
function headerKey(text: string): string {
  let out = '';
  for (const ch of text.toLowerCase())
    if (ch !== ' ' && ch !== '-' && ch !== '_' && ch !== ':') out += ch;
  return out;
}

const ROLE_BY_KEY: Record<string, Role> = {
  taskid: 'id',
  dependson: 'deps',
  taskname: 'name',
  name: 'name',
  whatchanges: 'description',
  description: 'description',
};

/** Headers people use for dependencies that are not `Depends On`: named in E_MISSING_COLUMN. */
const DEPS_LOOKALIKES = new Set([
  'dependencies',
  'depends',
  'deps',
  'dependency',
  'dependenton',
  'after',
  'requires',
  'blockedby',
]);

/** Headers people use for task IDs that are not `Task ID`: named in the warning. */
const ID_LOOKALIKES = new Set(['id', 'task', 'taskno', 'tasknumber', 'key', 'ref']);

type Level = 'L1' | 'L2';

/** `L1: Name` -> ['L1', 'Name']; anything else -> undefined. */
function levelPrefix(text: string): [Level, string] | undefined {
  const t = text.trimStart();
  if (t.length < 2 || (t[0] !== 'L' && t[0] !== 'l')) return undefined;
  const level = t[1] === '1' ? 'L1' : t[1] === '2' ? 'L2' : undefined;
  if (level === undefined) return undefined;
  const rest = t.slice(2).trimStart();
  if (!rest.startsWith(':')) return undefined;
  return [level, rest.slice(1).trim()];
}

function headingText(node: Heading): string {
  return inlineText(node.children);
}

interface Section {
  name: string;
  line: number;
  column: number;
  tasks: number;
}

export function extract(
  source: string,
  blocks: Iterable<Block>,
  file: string | undefined,
): Extracted {
  const errors: Diagnostic[] = [];
  const warnings: Warning[] = [];
  const tasks: RawTask[] = [];
  const at = (p: Point) => ({
    line: p.line,
    column: p.column,
    ...(file === undefined ? {} : { file }),
  });

  let projectName: string | undefined;
  let branch: Section | undefined;
  let group: Section | undefined;
  /** Why there is no branch or group right now, for E_TABLE_OUTSIDE_GROUP. */
  let outsideWhy = 'it comes before any "## L1: <branch>" heading';
  const branches: Section[] = [];
  const groups: (Section & { branch: string })[] = [];

  for (const block of blocks) {
    if (block.kind === 'heading') {
      const node = block.node;
      const text = headingText(node);
      const start = node.position!.start;
      const prefix = levelPrefix(text);
      if (node.depth === 1) {
        if (projectName === undefined) {
          const l0 = text.match(/^L0\s*:\s*/i);
          projectName = (l0 ? text.slice(l0[0].length) : text).trim() || 'Unnamed Project';
        } else {
          branch = undefined;
          group = undefined;
          outsideWhy = `it is under "# ${text}", which is not a "## L1: <branch>" heading`;
          warnings.push({
            code: 'W_IGNORED_CONTENT',
            message: `second top-level heading "${text}" is not the project name (the first "# " heading is); it ends the current branch`,
            ...at(start),
          });
        }
        continue;
      }
      if (node.depth === 2) {
        group = undefined;
        if (prefix?.[0] === 'L1') {
          branch = {
            name: prefix[1] || 'Unnamed branch',
            line: start.line,
            column: start.column,
            tasks: 0,
          };
          branches.push(branch);
          outsideWhy = `it is in branch "${branch.name}" but before any "### L2: <group>" heading`;
        } else {
          branch = undefined;
          outsideWhy = `it is under "## ${text}", which is not a "## L1: <branch>" heading`;
          if (prefix?.[0] === 'L2') {
            warnings.push({
              code: 'W_IGNORED_CONTENT',
              message: `"## ${text}" looks like a group heading but groups are level 3: "### ${text}"`,
              ...at(start),
            });
          }
        }
        continue;
      }
      if (node.depth === 3) {
        if (prefix?.[0] === 'L2') {
          group = {
            name: prefix[1] || 'Unnamed group',
            line: start.line,
            column: start.column,
            tasks: 0,
          };
          if (branch !== undefined) groups.push({ ...group, branch: branch.name });
        } else {
          group = undefined;
          outsideWhy = `it is under "### ${text}", which is not a "### L2: <group>" heading`;
          if (prefix?.[0] === 'L1') {
            warnings.push({
              code: 'W_IGNORED_CONTENT',
              message: `"### ${text}" looks like a branch heading but branches are level 2: "## ${text}"`,
              ...at(start),
            });
          }
        }
        continue;
      }
      // Deeper headings are sub-sections of the current group and change nothing.
      if (prefix !== undefined) {
        const want = prefix[0] === 'L1' ? '##' : '###';
        warnings.push({
          code: 'W_IGNORED_CONTENT',
          message: `"${'#'.repeat(node.depth)} ${text}" looks like a ${prefix[0] === 'L1' ? 'branch' : 'group'} heading but is level ${node.depth}; use "${want} ${text}"`,
          ...at(start),
        });
      }
      continue;
    }

    const table = block.node;
    const columns = readHeader(table);
    if (block.kind === 'nested-table') {
      if (columns.id !== undefined) {
        const where = block.container === 'list' ? 'inside a list item' : 'inside a blockquote';
        warnings.push({
          code: 'W_IGNORED_CONTENT',
          message: `task table ${where} ignored: task tables must stand on their own under a "### L2:" heading, not indented or quoted`,
          ...at(table.position!.start),
        });
      }
      continue;
    }
    if (columns.id === undefined) {
      if (columns.deps !== undefined) {
        const lookalike = columns.headers.find((h) => ID_LOOKALIKES.has(headerKey(h)));
        warnings.push({
          code: 'W_IGNORED_CONTENT',
          message: `table with a "Depends On" column but no "Task ID" column ignored${lookalike ? ` (rename "${lookalike}" to "Task ID" to make it a task table)` : ''}`,
          ...at(table.position!.start),
        });
      }
      continue;
    }
    for (const dup of columns.duplicates) {
      warnings.push({
        code: 'W_IGNORED_CONTENT',
        message: `second "${dup.text}" column ignored`,
        ...at(dup.at),
      });
    }
    if (columns.deps === undefined) {
      const lookalike = columns.headers.find((h) => DEPS_LOOKALIKES.has(headerKey(h)));
      errors.push({
        code: 'E_MISSING_COLUMN',
        message: `task table has no "Depends On" column${lookalike ? ` (rename "${lookalike}" to "Depends On")` : ''}; its columns are: ${columns.headers.map((h) => `"${h}"`).join(', ')}`,
        ...at(table.position!.start),
      });
    }
    const inGroup = branch !== undefined && group !== undefined;
    if (!inGroup) {
      const why =
        group !== undefined
          ? `its group "${group.name}" is not inside a "## L1: <branch>" heading (${outsideWhy})`
          : outsideWhy;
      errors.push({
        code: 'E_TABLE_OUTSIDE_GROUP',
        message: `task table is not inside a group: ${why}; put it under "### L2: <group>" inside "## L1: <branch>"`,
        ...at(table.position!.start),
      });
    }

    for (let r = 1; r < table.children.length; r++) {
      const row = table.children[r]!;
      const cells = row.children;
      const texts = cells.map((c) => cellText(c));
      const text = (i: number | undefined) => (i === undefined ? '' : (texts[i] ?? ''));
      if (texts.every((t) => t === '')) continue;
      const idCell = cells[columns.id];
      const rowStart = row.position!.start;
      const idAt = idCell ? cellStart(idCell) : rowStart;
      const id = text(columns.id);
      if (!isTaskId(id)) {
        errors.push({
          code: 'E_INVALID_ID',
          message:
            id === ''
              ? 'empty Task ID'
              : `invalid Task ID "${id}": IDs are letters, digits, ".", "_" and "-", starting with a letter or digit (${TASK_ID_PATTERN_TEXT})`,
          ...at(idAt),
        });
        if (id === '') continue;
      }
      const depsCell = columns.deps === undefined ? undefined : cells[columns.deps];
      const depsAt = depsCell ? cellStart(depsCell) : rowStart;
      const task: RawTask = {
        id,
        name: text(columns.name) || id,
        description: text(columns.description),
        deps: depsCell ? dependencyRefs(source, depsCell, text(columns.deps)) : [],
        branch: branch?.name ?? '',
        group: group?.name ?? '',
        line: rowStart.line,
        idAt,
        depsAt,
        fields: {},
      };
      for (const field of columns.fields) {
        const cell = cells[field.index];
        const value = text(field.index);
        task.fields[field.header] = value;
        const parsed =
          field.known === 'model'
            ? parseModel(value)
            : field.known === 'timeout'
              ? parseTimeout(value)
              : field.known === 'retries'
                ? parseRetries(value)
                : field.known === 'verify'
                  ? parseVerify(value)
                  : undefined;
        if (parsed === undefined || field.claimed) continue;
        if (!parsed.ok) {
          errors.push({
            code: 'E_INVALID_FIELD',
            message: `invalid ${field.header} "${value}" for task "${id}": ${parsed.reason}${field.known === 'timeout' ? ' (e.g. 90s, 30m, 1h30m)' : ''}`,
            ...at(cell ? cellStart(cell) : rowStart),
          });
        } else if (parsed.value !== undefined) {
          if (field.known === 'model') task.model = parsed.value as string;
          else if (field.known === 'timeout') task.timeoutMs = parsed.value as number;
          else if (field.known === 'verify') task.verify = parsed.value as string[];
          else task.retries = parsed.value as number;
        }
      }
      tasks.push(task);
      if (branch !== undefined) branch.tasks++;
      if (inGroup) {
        const g = groups[groups.length - 1]!;
        g.tasks++;
      }
    }
  }

  for (const g of groups) {
    if (g.tasks === 0) {
      warnings.push({
        code: 'W_IGNORED_CONTENT',
        message: `group "${g.name}" has no tasks`,
        ...at({ line: g.line, column: g.column }),
      });
    }
  }
  for (const b of branches) {
    if (b.tasks === 0) {
      warnings.push({
        code: 'W_IGNORED_CONTENT',
        message: `branch "${b.name}" has no tasks`,
        ...at({ line: b.line, column: b.column }),
      });
    }
  }

  return { projectName, tasks, hierarchy: buildHierarchy(tasks), errors, warnings };
}

interface Columns {
  id?: number;
  deps?: number;
  name?: number;
  description?: number;
  headers: string[];
  fields: {
    index: number;
    header: string;
    known?: KnownField;
    claimed: boolean;
  }[];
  duplicates: { text: string; at: Point }[];
}

const KNOWN_FIELDS = ['model', 'timeout', 'retries', 'verify'] as const;
type KnownField = (typeof KNOWN_FIELDS)[number];

function readHeader(table: Table): Columns {
  const columns: Columns = { headers: [], fields: [], duplicates: [] };
  const header = table.children[0];
  if (header === undefined) return columns;
  const seenKnown = new Set<string>();
  header.children.forEach((cell: TableCell, index) => {
    const text = cellText(cell);
    columns.headers.push(text);
    const key = headerKey(text);
    const role = ROLE_BY_KEY[key];
    if (role !== undefined) {
      if (columns[role] === undefined) columns[role] = index;
      else columns.duplicates.push({ text, at: cellStart(cell) });
      return;
    }
    if (text === '') return;
    const known = (KNOWN_FIELDS as readonly string[]).includes(key)
      ? (key as KnownField)
      : undefined;
    // A second Model/Timeout/Retries/Verify column is kept in fields but does not override the first.
    const claimed = known !== undefined && seenKnown.has(known);
    if (known !== undefined) seenKnown.add(known);
    columns.fields.push({ index, header: text, ...(known ? { known } : {}), claimed });
  });
  return columns;
}

/**
 * Dependency IDs of a cell in the order written, without duplicates. Separators are commas and
 * whitespace; `-`, `–`, `—`, `none` and an empty cell mean none. Each ID keeps the column where it
 * is written when it can be found in the cell's source (else the cell's column).
 */
function dependencyRefs(source: string, cell: TableCell, text: string): DependencyRef[] {
  const refs: DependencyRef[] = [];
  const start = cellStart(cell);
  const end = cell.position!.end.offset!;
  let searchFrom = start.offset!;
  let token = '';
  const flush = () => {
    if (token !== '' && !isNone(token) && !refs.some((r) => r.id === token)) {
      const found = source.indexOf(token, searchFrom);
      let column = start.column;
      if (found !== -1 && found + token.length <= end) {
        column = start.column + (found - start.offset!);
        searchFrom = found + token.length;
      }
      refs.push({ id: token, line: start.line, column });
    }
    token = '';
  };
  for (const ch of text) {
    if (ch === ',' || ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\u00a0')
      flush();
    else token += ch;
  }
  flush();
  return refs;
}

function buildHierarchy(tasks: RawTask[]): Extracted['hierarchy'] {
  const hierarchy: Extracted['hierarchy'] = [];
  const branchIndex = new Map<string, Extracted['hierarchy'][number]>();
  const groupIndex = new Map<string, { group: string; tasks: string[] }>();
  for (const task of tasks) {
    let b = branchIndex.get(task.branch);
    if (b === undefined) {
      b = { branch: task.branch, groups: [] };
      branchIndex.set(task.branch, b);
      hierarchy.push(b);
    }
    const key = `${task.branch}\u0000${task.group}`;
    let g = groupIndex.get(key);
    if (g === undefined) {
      g = { group: task.group, tasks: [] };
      groupIndex.set(key, g);
      b.groups.push(g);
    }
    g.tasks.push(task.id);
  }
  return hierarchy;
}
