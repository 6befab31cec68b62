/**
 * Worker-thread entry for `parseCascadeFile(path, { thread: true })`: parses in a heap of its own and
 * posts back plain data, so the markdown trees die with the thread instead of swelling the caller.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CascadeError } from './errors.js';
import { parseCascadeFile } from './parse-file.js';

const path = workerData as string;
parseCascadeFile(path).then(
  (c) =>
    parentPort!.postMessage({
      ok: true,
      cascade: {
        projectName: c.projectName,
        ...(c.filename === undefined ? {} : { filename: c.filename }),
        tasks: c.tasks,
        hierarchy: c.hierarchy,
        warnings: c.warnings,
      },
    }),
  (error: unknown) => {
    if (!(error instanceof CascadeError)) throw error;
    const errno = (error.cause as NodeJS.ErrnoException | undefined)?.code;
    parentPort!.postMessage({
      ok: false,
      error: {
        code: error.code,
        message: error.message,
        diagnostics: error.diagnostics,
        ...(error.file === undefined ? {} : { file: error.file }),
        ...(error.cycles === undefined ? {} : { cycles: error.cycles }),
        ...(error.warnings === undefined ? {} : { warnings: error.warnings }),
        ...(errno === undefined ? {} : { errno }),
      },
    });
  },
);
