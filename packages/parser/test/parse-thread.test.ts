/** `parseCascadeFile(path, { thread: true })` runs the built parse-thread entry: test the dist. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CascadeError, parseCascadeFile } from '../dist/index.js';

const dir = mkdtempSync(join(tmpdir(), 'nova-parse-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const examples = join(import.meta.dirname, '..', '..', '..', 'examples', 'plans');

/** Everything a Cascade says, helpers included, as plain data. */
function described(c: Awaited<ReturnType<typeof parseCascadeFile>>) {
  return {
    projectName: c.projectName,
    filename: c.filename,
    tasks: c.tasks,
    hierarchy: c.hierarchy,
    warnings: c.warnings,
    order: c.topologicalOrder(),
    waves: c.waves(),
    critical: c.criticalPath(),
    dependents: c.tasks.map((t) => c.dependentsOf(t.id)),
  };
}

async function rejection(promise: Promise<unknown>): Promise<CascadeError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CascadeError);
  return error as CascadeError;
}

describe('parseCascadeFile in a worker thread', { timeout: 60_000 }, () => {
  it.each(readdirSync(examples))('gives the same cascade as in-process for %s', async (name) => {
    const path = join(examples, name, 'CASCADE.md');
    const inThread = await parseCascadeFile(path, { thread: true });
    expect(described(inThread)).toEqual(described(await parseCascadeFile(path)));
    expect(inThread.getTask(inThread.tasks[0]!.id)).toEqual(inThread.tasks[0]);
  });

  it('rethrows an invalid plan as the same CascadeError, every diagnostic kept', async () => {
    const path = join(dir, 'bad.md');
    writeFileSync(
      path,
      '# P\n## L1: A\n### L2: G\n| Task ID | Depends On |\n|---|---|\n| T1 | T2 |\n| T2 | T1 |\n| T3 | T9 |\n',
    );
    const inThread = await rejection(parseCascadeFile(path, { thread: true }));
    const inProcess = await rejection(parseCascadeFile(path));
    expect(inThread.code).toBe('E_INVALID_CASCADE');
    expect(inThread.message).toBe(inProcess.message);
    expect(inThread.diagnostics).toEqual(inProcess.diagnostics);
    expect(inThread.cycles).toEqual(inProcess.cycles);
    expect(inThread.file).toBe(path);
  });

  it('rethrows a missing file as E_FILE_NOT_FOUND with the errno as cause', async () => {
    const error = await rejection(parseCascadeFile(join(dir, 'nope.md'), { thread: true }));
    expect(error.code).toBe('E_FILE_NOT_FOUND');
    expect(error.message).toBe(`${join(dir, 'nope.md')}: no such file`);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});
