import { ParsedCascade } from './cascade.js';
import { CascadeError } from './errors.js';
import { extract } from './extract.js';
import { formatDiagnostic } from './format.js';
import { iterateBlocks, NeedsWholeParse, type Strategy } from './markdown-blocks.js';
import type { Cascade, Diagnostic, ParseOptions, Task } from './types.js';
import { validateTasks } from './validate.js';

const UNNAMED = 'Unnamed Project';

function bySource<T extends Diagnostic<string>>(list: T[]): T[] {
  return list.sort(
    (a, b) => a.line - b.line || a.column - b.column || a.code.localeCompare(b.code),
  );
}

/**
 * Parses CASCADE.md text into a validated plan.
 * @throws CascadeError `E_INVALID_CASCADE` with every problem in `diagnostics` (and the warnings).
 */
export function parseCascade(source: string, options: ParseOptions = {}): Cascade {
  return parseWith(source, options, 'fast');
}

/** parseCascade with a chosen markdown strategy; tests check that both strategies agree. */
export function parseWith(source: string, options: ParseOptions, strategy: Strategy): Cascade {
  if (typeof source !== 'string') {
    throw new TypeError(`parseCascade expects the plan's text as a string, got ${typeof source}`);
  }
  const file = options.filename;
  // A byte-order mark is not content; dropping it keeps the first heading a heading.
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  let extracted: ReturnType<typeof extract>;
  try {
    extracted = extract(text, iterateBlocks(text, strategy), file);
  } catch (error) {
    if (!(error instanceof NeedsWholeParse)) throw error;
    extracted = extract(text, iterateBlocks(text, 'whole'), file);
  }
  const where = file === undefined ? {} : { file };
  const warnings = extracted.warnings;
  if (extracted.projectName === undefined) {
    warnings.push({
      code: 'W_NO_PROJECT_NAME',
      message: `no "# Project name" heading; using "${UNNAMED}"`,
      line: 1,
      column: 1,
      ...where,
    });
  }
  const errors = extracted.errors;
  const { errors: graphErrors, cycles } = validateTasks(extracted.tasks, file);
  errors.push(...graphErrors);
  if (extracted.tasks.length === 0 && !errors.some((e) => e.code === 'E_MISSING_COLUMN')) {
    errors.push({
      code: 'E_NO_TASKS',
      message:
        'no tasks found: a task table is a table with "Task ID" and "Depends On" columns under a "### L2: <group>" heading inside a "## L1: <branch>" heading',
      line: 1,
      column: 1,
      ...where,
    });
  }
  bySource(warnings);
  if (errors.length > 0) {
    bySource(errors);
    const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
    throw new CascadeError(
      'E_INVALID_CASCADE',
      `${file ?? 'the plan'} is not a valid cascade (${count}):\n${errors.map((d) => `  ${formatDiagnostic(d, 'error')}`).join('\n')}`,
      { diagnostics: errors, warnings, ...where, ...(cycles.length > 0 ? { cycles } : {}) },
    );
  }
  const tasks: Task[] = extracted.tasks.map((raw) => {
    const task: Task = {
      id: raw.id,
      name: raw.name,
      description: raw.description,
      dependsOn: raw.deps.map((d) => d.id),
      branch: raw.branch,
      group: raw.group,
      line: raw.line,
      fields: raw.fields,
    };
    if (raw.model !== undefined) task.model = raw.model;
    if (raw.timeoutMs !== undefined) task.timeoutMs = raw.timeoutMs;
    if (raw.verify !== undefined) task.verify = raw.verify;
    if (raw.retries !== undefined) task.retries = raw.retries;
    return task;
  });
  return new ParsedCascade({
    projectName: extracted.projectName ?? UNNAMED,
    ...(file === undefined ? {} : { filename: file }),
    tasks,
    hierarchy: extracted.hierarchy,
    warnings,
  });
}
