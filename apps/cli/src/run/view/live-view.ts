/**
 * `nova run` on a terminal: a block redrawn in place (progress bar, running tasks with elapsed time,
 * tokens and their latest step, recent events, cost so far) with failures, milestones and warnings
 * printed above it for good.
 */
import {
  formatCost,
  formatDuration,
  formatPercent,
  formatTokens,
  totalTokens,
} from '@program-nova/core';
import { type ProjectRollup, rollup } from '@program-nova/state';
import type { Colors } from '../../core/colors.js';
import type { Writer } from '../../core/command.js';
import { progressBar } from '../../core/format.js';
import { clipColumns } from '../../core/terminal-columns.js';
import { terminalText } from '../../core/terminal-text.js';
import { BaseView, type RunSource } from './base-view.js';
import { LiveBlock, type TerminalWriter } from './live-block.js';

/** Lines of the frame that are not running tasks (header, headings, recent events, margin). */
const FRAME_OVERHEAD = 12;
const RECENT_EVENTS = 5;

export class LiveView extends BaseView {
  private readonly block: LiveBlock;
  /** The terminal's size is read per frame: it may change while the run goes on. */
  private readonly terminal: TerminalWriter;
  private readonly recent: string[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = Date.now();
  private readonly project: string;
  private stopped = false;
  private pending = false;
  /** The last frame's whole-plan figures, reused by redraws that only move the block down. */
  private figures: ProjectRollup | null = null;

  constructor(orchestrator: RunSource, out: TerminalWriter, err: Writer, c: Colors, ce: Colors) {
    super(orchestrator, out, err, c, ce);
    this.project = terminalText(orchestrator.state.project.name);
    this.terminal = out;
    this.block = new LiveBlock(out);
    // Elapsed times tick even when nothing happens.
    this.timer = setInterval(() => this.draw(), 500);
    this.timer.unref();
  }

  note(line: string) {
    this.above(line);
  }

  stop() {
    if (this.stopped) return;
    this.draw();
    this.stopped = true;
    clearInterval(this.timer);
    this.block.close();
  }

  protected event(line: string, important: boolean) {
    this.recent.push(line);
    if (this.recent.length > RECENT_EVENTS) this.recent.shift();
    if (important) this.above(line);
    else this.changed();
  }

  protected warn(line: string) {
    this.above(line);
  }

  /** Coalesces bursts of events into one redraw. */
  protected override changed() {
    if (this.pending || this.stopped) return;
    this.pending = true;
    setTimeout(() => {
      this.pending = false;
      this.draw();
    }, 50).unref();
  }

  private above(line: string) {
    // Redrawn at once from the last figures (a burst of failures must not walk the whole plan
    // per line); the coalesced redraw brings them up to date.
    this.block.above(line, this.stopped ? [] : this.frame(false));
    this.changed();
  }

  private draw() {
    if (this.stopped) return;
    this.block.draw(this.frame(true));
  }

  /**
   * Tokens running attempts have reported that the state does not have yet (it records progress
   * once per check interval), so the header counts up as smoothly as the running lines.
   */
  private unrecordedTokens(): number {
    const state = this.orchestrator.state;
    let extra = 0;
    for (const t of this.running.values()) {
      const task = state.tasks[t.id];
      if (!task || !t.usage) continue;
      const earlier = task.earlier_attempts?.token_usage;
      const recorded = totalTokens(task.token_usage) - (earlier ? totalTokens(earlier) : 0);
      extra += Math.max(0, totalTokens(t.usage) - recorded);
    }
    return extra;
  }

  /** The block's lines; LiveBlock clips each to the terminal's width. */
  private frame(fresh: boolean): string[] {
    const { c } = this;
    const state = this.orchestrator.state;
    if (fresh || !this.figures) this.figures = rollup(state);
    const r = this.figures;
    const s = r.counts;
    const done = s.completed;
    const lines: string[] = [];
    const counts = [
      `${done}/${s.totalTasks} done`,
      s.inProgress ? c.cyan(`${s.inProgress} running`) : '',
      s.failed ? c.red(`${s.failed} failed`) : '',
      s.blocked ? c.yellow(`${s.blocked} blocked`) : '',
    ]
      .filter(Boolean)
      .join('  ');
    lines.push(
      `${c.bold(clipColumns(this.project, 30))} ${progressBar(done, s.totalTasks, 24)} ${formatPercent(done, s.totalTasks)}  ${counts}`,
    );
    lines.push(
      c.dim(
        `  ${formatDuration(Date.now() - this.startedAt)} elapsed  ${formatTokens(totalTokens(r.tokens) + this.unrecordedTokens())} tokens  ${formatCost(r.costUsd)} spent`,
      ),
    );
    const running = [...this.running.values()].sort((a, b) => a.startedAt - b.startedAt);
    if (running.length > 0) {
      lines.push(c.bold('  running'));
      const rows = Math.max(3, (this.terminal.rows || 24) - FRAME_OVERHEAD);
      for (const t of running.slice(0, rows)) {
        const tokens = t.usage ? `${formatTokens(totalTokens(t.usage))} tok` : '';
        const step = terminalText(state.tasks[t.id]?.current_step);
        const head = `    ${terminalText(t.id).padEnd(10)} ${formatDuration(Date.now() - t.startedAt).padStart(7)} ${tokens.padStart(10)}  `;
        lines.push(`${head}${clipColumns(t.name, 28)}${step ? `  ${step}` : ''}`);
      }
      if (running.length > rows) lines.push(c.dim(`    ... and ${running.length - rows} more`));
    }
    if (this.recent.length > 0) {
      lines.push(c.bold('  recent'));
      for (const line of this.recent) lines.push(`    ${line}`);
    }
    return lines;
  }
}
