/**
 * What `nova run` shows while it runs. Two views over the same orchestrator events:
 * - PlainView: one line per event (pipes, CI logs, tests);
 * - LiveView: a block redrawn in place on a terminal (progress bar, running tasks with elapsed time
 *   and tokens, recent completions and failures, cost so far), with failures, milestones and
 *   warnings printed above it as permanent lines.
 */
import {
  clip,
  firstLine,
  formatCost,
  formatDuration,
  formatPercent,
  formatTokens,
  totalTokens,
} from '@program-nova/core';
import type { Orchestrator } from '@program-nova/orchestrator';
import { type ProjectRollup, rollup, summarize, type TokenUsage } from '@program-nova/state';
import type { Colors } from '../core/colors.js';
import type { Writer } from '../core/command.js';
import { progressBar, reasonLine } from '../core/format.js';

export interface RunView {
  /** A permanent line (e.g. the dashboard URL), printed above any live block. */
  note(line: string): void;
  /** Stops redrawing and leaves the last frame on screen. */
  stop(): void;
}

interface Running {
  id: string;
  startedAt: number;
  attempt: number;
  usage: TokenUsage | null;
}

/** Wires the orchestrator's events to a view's callbacks; shared by both views. */
abstract class BaseView implements RunView {
  protected readonly running = new Map<string, Running>();
  /**
   * Completed tasks, kept from the events: a whole-plan summarize per completion line made a
   * 10,000-task run quadratic. Counted once at the start (the view is made after the state is
   * opened) and one up per completion; a run never un-completes a task.
   */
  private completed: number;
  private readonly totalTasks: number;

  constructor(
    protected readonly orchestrator: Orchestrator,
    protected readonly out: Writer,
    protected readonly err: Writer,
    protected readonly c: Colors,
    protected readonly ce: Colors,
  ) {
    const o = orchestrator;
    const s = summarize(o.state);
    this.completed = s.completed;
    this.totalTasks = s.totalTasks;
    o.on('task:started', (e) => {
      this.running.set(e.id, { id: e.id, startedAt: Date.now(), attempt: e.attempt, usage: null });
      this.event(
        `${c.cyan('started')}   ${this.label(e.id)}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`,
        false,
      );
    });
    o.on('task:tokens', (e) => {
      const r = this.running.get(e.id);
      if (r) r.usage = e.usage;
      this.changed();
    });
    o.on('task:completed', (e) => {
      this.running.delete(e.id);
      this.completed++;
      this.event(
        `${c.green('completed')} ${this.label(e.id)} in ${formatDuration(e.durationMs)}, ${formatTokens(totalTokens(e.usage))} tokens, ${formatCost(e.costUsd)}  ${c.dim(this.progressText())}`,
        false,
      );
    });
    o.on('task:failed', (e) => {
      this.running.delete(e.id);
      const log = o.state.tasks[e.id]?.log_path;
      const blocks = e.blocks.length > 0 ? `; blocks ${e.blocks.join(', ')}` : '';
      this.event(
        `${c.red('failed')}    ${this.label(e.id)}: ${reasonLine(e.id, e.error)}${log ? ` (log: ${log})` : ''}${blocks}`,
        true,
      );
    });
    o.on('task:retrying', (e) => {
      this.running.delete(e.id);
      this.event(
        `${c.yellow('retrying')}  ${this.label(e.id)} in ${formatDuration(e.delayMs)}: ${reasonLine(e.id, e.error)}`,
        true,
      );
    });
    o.on('task:interrupted', (e) => {
      this.running.delete(e.id);
      this.event(`${c.yellow('stopped')}   ${this.label(e.id)}: ${firstLine(e.reason)}`, true);
    });
    o.on('task:blocked', (e) => {
      this.event(
        `${c.yellow('blocked')}   ${this.label(e.id)} by ${e.blockedBy.join(', ')}`,
        false,
      );
    });
    o.on('milestone', (e) => {
      this.event(`${c.bold('milestone')} ${e.name}${e.message ? `: ${e.message}` : ''}`, true);
    });
    o.on('run:paused', (e) => {
      this.event(`${c.yellow('paused')}    until ${e.until}: ${firstLine(e.reason)}`, true);
    });
    o.on('warning', (e) => {
      this.warn(`nova: ${ce.yellow('warning')}: ${e.message}`);
    });
  }

  protected label(id: string): string {
    const name = this.orchestrator.state.graph.tasks[id]?.name;
    return name ? `${id} ${this.c.dim(name)}` : id;
  }

  protected progressText(): string {
    return `[${this.completed}/${this.totalTasks}]`;
  }

  abstract note(line: string): void;
  abstract stop(): void;
  /** An event line; `important` ones stay visible above a live block. */
  protected abstract event(line: string, important: boolean): void;
  protected abstract warn(line: string): void;
  protected changed(): void {}
}

export class PlainView extends BaseView {
  note(line: string) {
    this.out.write(`${line}\n`);
  }
  stop() {}
  protected event(line: string) {
    this.out.write(`${line}\n`);
  }
  protected warn(line: string) {
    this.err.write(`${line}\n`);
  }
}

const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';

export class LiveView extends BaseView {
  private lines = 0;
  private readonly recent: string[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = Date.now();
  private stopped = false;
  private pending = false;
  /** The last frame's whole-plan figures, reused by redraws that only move the block down. */
  private figures: ProjectRollup | null = null;
  private readonly restoreCursor = () => process.stdout.write(SHOW_CURSOR);

  constructor(
    orchestrator: Orchestrator,
    out: Writer & { columns?: number; rows?: number },
    err: Writer,
    c: Colors,
    ce: Colors,
  ) {
    super(orchestrator, out, err, c, ce);
    out.write(HIDE_CURSOR);
    process.once('exit', this.restoreCursor);
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
    this.out.write(SHOW_CURSOR);
    process.removeListener('exit', this.restoreCursor);
  }

  protected event(line: string, important: boolean) {
    this.recent.push(line);
    if (this.recent.length > 5) this.recent.shift();
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

  private get width(): number {
    return Math.max(40, ((this.out as { columns?: number }).columns || 80) - 1);
  }

  private clear(): string {
    // Up to the first line of the block, then clear to the end of the screen.
    return this.lines > 0 ? `\u001b[${this.lines}F\u001b[0J` : '';
  }

  private above(line: string) {
    if (this.stopped) {
      this.out.write(`${line}\n`);
      return;
    }
    this.out.write(`${this.clear()}${line}\n`);
    this.lines = 0;
    // Redrawn at once from the last figures (a burst of failures must not walk the whole plan
    // per line); the coalesced redraw brings them up to date.
    this.draw(false);
    this.changed();
  }

  private draw(fresh = true) {
    if (this.stopped) return;
    const frame = this.frame(fresh);
    this.out.write(`${this.clear()}${frame.join('\n')}\n`);
    this.lines = frame.length;
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

  private frame(fresh: boolean): string[] {
    const { c } = this;
    const state = this.orchestrator.state;
    if (fresh || !this.figures) this.figures = rollup(state);
    const r = this.figures;
    const s = r.counts;
    const w = this.width;
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
      `${c.bold(clip(state.project.name, 30))} ${progressBar(done, s.totalTasks, 24)} ${formatPercent(done, s.totalTasks)}  ${counts}`,
    );
    lines.push(
      c.dim(
        `  ${formatDuration(Date.now() - this.startedAt)} elapsed  ${formatTokens(totalTokens(r.tokens) + this.unrecordedTokens())} tokens  ${formatCost(r.costUsd)} spent`,
      ),
    );
    const running = [...this.running.values()].sort((a, b) => a.startedAt - b.startedAt);
    if (running.length > 0) {
      lines.push(c.bold('  running'));
      const rows = Math.max(3, ((this.out as { rows?: number }).rows || 24) - 12);
      for (const t of running.slice(0, rows)) {
        const name = state.graph.tasks[t.id]?.name ?? '';
        const tokens = t.usage ? `${formatTokens(totalTokens(t.usage))} tok` : '';
        const step = state.tasks[t.id]?.current_step ?? '';
        const head = `    ${t.id.padEnd(10)} ${formatDuration(Date.now() - t.startedAt).padStart(7)} ${tokens.padStart(10)}  `;
        lines.push(clipVisible(`${head}${clip(name, 28)}${step ? `  ${step}` : ''}`, w));
      }
      if (running.length > rows) lines.push(c.dim(`    ... and ${running.length - rows} more`));
    }
    if (this.recent.length > 0) {
      lines.push(c.bold('  recent'));
      for (const line of this.recent) lines.push(clipVisible(`    ${line}`, w));
    }
    return lines;
  }
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** A line never wraps (wrapping would break the redraw's line count); colour is dropped if cut. */
function clipVisible(text: string, width: number): string {
  const plain = text.replace(ANSI, '');
  return plain.length <= width ? text : clip(plain, width);
}
