/**
 * The orchestrator's events as lines, shared by the plain and the live view. Every piece of text
 * that comes from the plan, the state or an agent (names, ids, failure reasons, steps, milestone
 * names and messages, warnings, paths) goes through terminalText here, where it is interpolated:
 * once it sits inside a line next to Nova's own colour sequences it can no longer be told apart.
 */
import {
  firstLine,
  formatCost,
  formatDuration,
  formatPauseDetail,
  formatTokens,
  reasonLine,
  totalTokens,
} from '@program-nova/core';
import type { Orchestrator } from '@program-nova/orchestrator';
import { summarize, type TokenUsage } from '@program-nova/state';
import type { Colors } from '../../core/colors.js';
import type { Writer } from '../../core/command.js';
import { terminalText } from '../../core/terminal-text.js';

export interface RunView {
  /** A permanent line (e.g. the dashboard URL), printed above any live block. */
  note(line: string): void;
  /** A warning from outside the orchestrator (e.g. a hook that failed), said like its own. */
  warning(message: string): void;
  /** Stops redrawing and leaves the last frame on screen. */
  stop(): void;
}

/** What a view reads: the orchestrator's events and its state. */
export type RunSource = Pick<Orchestrator, 'on' | 'state'>;

export interface Running {
  id: string;
  /** The task's name, already safe for the terminal (made once, not per frame). */
  name: string;
  startedAt: number;
  attempt: number;
  usage: TokenUsage | null;
}

const idList = (ids: readonly string[]) => terminalText(ids.join(', '));

export abstract class BaseView implements RunView {
  protected readonly running = new Map<string, Running>();
  /**
   * Completed tasks, kept from the events: a whole-plan summarize per completion line made a
   * 10,000-task run quadratic. Counted once at the start (the view is made after the state is
   * opened) and one up per completion; a run never un-completes a task.
   */
  private completed: number;
  private readonly totalTasks: number;

  constructor(
    protected readonly orchestrator: RunSource,
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
      const name = terminalText(o.state.graph.tasks[e.id]?.name);
      this.running.set(e.id, {
        id: e.id,
        name,
        startedAt: Date.now(),
        attempt: e.attempt,
        usage: null,
      });
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
      const blocks = e.blocks.length > 0 ? `; blocks ${idList(e.blocks)}` : '';
      this.event(
        `${c.red('failed')}    ${this.label(e.id)}: ${terminalText(reasonLine(e.id, e.error))}${log ? ` (log: ${terminalText(log)})` : ''}${blocks}`,
        true,
      );
    });
    o.on('task:retrying', (e) => {
      this.running.delete(e.id);
      this.event(
        `${c.yellow('retrying')}  ${this.label(e.id)} in ${formatDuration(e.delayMs)}: ${terminalText(reasonLine(e.id, e.error))}`,
        true,
      );
    });
    o.on('task:interrupted', (e) => {
      this.running.delete(e.id);
      this.event(
        `${c.yellow('stopped')}   ${this.label(e.id)}: ${terminalText(firstLine(e.reason))}`,
        true,
      );
    });
    o.on('task:blocked', (e) => {
      this.event(`${c.yellow('blocked')}   ${this.label(e.id)} by ${idList(e.blockedBy)}`, false);
    });
    o.on('milestone', (e) => {
      const message = e.message ? `: ${terminalText(e.message)}` : '';
      this.event(`${c.bold('milestone')} ${terminalText(e.name)}${message}`, true);
    });
    // The same words as `nova status` and the dashboard (formatPause), after the verb column.
    o.on('run:paused', (e) => {
      this.event(`${c.yellow('paused')}    ${terminalText(formatPauseDetail(e))}`, true);
    });
    o.on('run:resumed', () => {
      this.event(
        `${c.green('resumed')}   the usage-limit pause is over; starting tasks again`,
        true,
      );
    });
    o.on('warning', (e) => {
      this.warn(`nova: ${ce.yellow('warning')}: ${terminalText(e.message)}`);
    });
  }

  /** `id name`, both safe for the terminal. */
  protected label(id: string): string {
    const name = this.orchestrator.state.graph.tasks[id]?.name;
    return name ? `${terminalText(id)} ${this.c.dim(terminalText(name))}` : terminalText(id);
  }

  protected progressText(): string {
    return `[${this.completed}/${this.totalTasks}]`;
  }

  warning(message: string): void {
    this.warn(`nova: ${this.ce.yellow('warning')}: ${terminalText(message)}`);
  }

  abstract note(line: string): void;
  abstract stop(): void;
  /** An event line; `important` ones stay visible above a live block. */
  protected abstract event(line: string, important: boolean): void;
  protected abstract warn(line: string): void;
  protected changed(): void {}
}
