/** Builds CASCADE.md text for tests from `[id, deps, extra columns]` rows. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Row = [id: string, deps?: string[], extra?: { retries?: number; timeout?: string }];

export function planText(rows: Row[], project = 'Test Project'): string {
  const lines = [
    `# ${project}`,
    '',
    '## L1: Main',
    '',
    '### L2: Work',
    '',
    '| Task ID | Task Name | What Changes | Depends On | Retries | Timeout |',
    '|---|---|---|---|---|---|',
  ];
  for (const [id, deps = [], extra = {}] of rows) {
    lines.push(
      `| ${id} | Task ${id} | Do ${id} | ${deps.length ? deps.join(', ') : '-'} | ${extra.retries ?? ''} | ${extra.timeout ?? ''} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function tempDir(prefix = 'nova-orch-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes CASCADE.md into a fresh temp dir; returns paths for the orchestrator. */
export function writePlan(rows: Row[], dir = tempDir()) {
  const cascadeFile = join(dir, 'CASCADE.md');
  writeFileSync(cascadeFile, planText(rows));
  return {
    dir,
    cascadeFile,
    stateFile: join(dir, 'cascade_state.json'),
    logsDir: join(dir, 'logs'),
  };
}
