/**
 * The files a run reads besides the state: the plan (through the parser's own API) and the
 * milestones. Their problems become OrchestratorErrors naming the file.
 */
import { readFile } from 'node:fs/promises';
import {
  type Cascade,
  CascadeError,
  formatDiagnostic,
  parseCascadeFileSync,
} from '@program-nova/parser';
import { type CascadeState, type MilestoneDefinition, parseMilestones } from '@program-nova/state';
import { OrchestratorError } from './errors.js';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** @throws OrchestratorError CASCADE_NOT_FOUND (missing or unreadable) or CASCADE_INVALID. */
export function loadCascade(file: string): Cascade {
  try {
    return parseCascadeFileSync(file);
  } catch (e) {
    if (!(e instanceof CascadeError)) throw e;
    if (e.code === 'E_FILE_NOT_FOUND' || e.code === 'E_READ_FAILED') {
      const text =
        e.code === 'E_FILE_NOT_FOUND' ? `${file}: plan not found (no such file)` : e.message;
      throw new OrchestratorError('CASCADE_NOT_FOUND', text, { cause: e, file });
    }
    const lines = e.diagnostics.map((d) =>
      formatDiagnostic({ ...d, file: d.file ?? file }, 'error'),
    );
    const n = e.diagnostics.length;
    throw new OrchestratorError(
      'CASCADE_INVALID',
      `${file} is invalid (${n} problem${n === 1 ? '' : 's'}):\n${lines.map((l) => `  ${l}`).join('\n')}`,
      { cause: e, file, diagnostics: e.diagnostics },
    );
  }
}

/** The milestones file's text (read before the state is opened, so a missing file changes nothing). */
export async function readMilestonesText(file: string | undefined): Promise<string | null> {
  if (file === undefined) return null;
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new OrchestratorError(
      'MILESTONES_NOT_FOUND',
      `${file}: cannot read the milestones file (${(e as NodeJS.ErrnoException).code ?? message(e)})`,
      { cause: e, file },
    );
  }
}

/** Milestones checked against the state's tasks and groups. @throws MILESTONES_INVALID. */
export function milestonesOf(
  text: string | null,
  file: string | undefined,
  state: CascadeState,
): MilestoneDefinition[] {
  if (text === null) return [];
  try {
    return parseMilestones(text, { file, state });
  } catch (e) {
    throw new OrchestratorError('MILESTONES_INVALID', message(e), {
      cause: e,
      ...(file ? { file } : {}),
    });
  }
}
