/**
 * The `nova` binary. Everything a command throws ends in the one catch below, which prints a message
 * (never a stack trace for a user mistake; stacks only with NOVA_DEBUG=1) and sets the exit code:
 * 0 success, 1 tasks failed or blocked, 2 invalid input or usage, 130 interrupted.
 */
import { version } from '../package.json';
import { COMMANDS } from './commands/index.js';
import { colorEnabled, createColors } from './core/colors.js';
import { describeError } from './core/describe-error.js';
import { dispatch, type Io } from './core/dispatch.js';

// `nova plan --json | head` closes the pipe early: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const io: Io = {
  stdout: process.stdout,
  stderr: process.stderr,
  colors: {
    stdout: createColors(colorEnabled(process.stdout, process.env)),
    stderr: createColors(colorEnabled(process.stderr, process.env)),
  },
  env: process.env,
  cwd: process.cwd(),
};

try {
  process.exitCode = await dispatch(process.argv.slice(2), COMMANDS, version, io);
} catch (error) {
  const report = describeError(error, io.colors.stderr, process.env);
  process.stderr.write(`${report.lines.join('\n')}\n`);
  process.exitCode = report.exitCode;
}
