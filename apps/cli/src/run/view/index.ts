/**
 * What `nova run` shows while it runs. Two views over the same orchestrator events:
 * - PlainView: one line per event (pipes, CI logs, tests);
 * - LiveView: a block redrawn in place on a terminal (progress bar, running tasks with elapsed time
 *   and tokens, recent completions and failures, cost so far), with failures, milestones and
 *   warnings printed above it as permanent lines.
 */
import type { Colors } from '../../core/colors.js';
import type { Writer } from '../../core/command.js';
import type { RunSource, RunView } from './base-view.js';
import type { TerminalWriter } from './live-block.js';
import { PlainView } from './plain-view.js';

export type { RunSource, RunView } from './base-view.js';

/**
 * The live view when `out` is a terminal, the plain view otherwise. The live view's code is loaded
 * only then: measuring terminal columns sets up ICU's grapheme segmenter, tens of milliseconds that
 * no other command should pay at start.
 */
export async function createRunView(
  source: RunSource,
  out: TerminalWriter,
  err: Writer,
  c: Colors,
  ce: Colors,
): Promise<RunView> {
  if (out.isTTY !== true) return new PlainView(source, out, err, c, ce);
  const { LiveView } = await import('./live-view.js');
  return new LiveView(source, out, err, c, ce);
}
