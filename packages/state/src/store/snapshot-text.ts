import type { CascadeState, StateGraph } from '../types.js';

function indented(value: unknown, spaces: number): string {
  // JSON.stringify escapes newlines inside strings, so every raw newline is structure.
  return JSON.stringify(value, null, 2).replaceAll('\n', `\n${' '.repeat(spaces)}`);
}

/**
 * Builds the snapshot text (identical to `JSON.stringify(state, null, 2)`) from cached pieces: the
 * graph is re-serialised only when it is replaced and a task only when a transition touched it. A
 * snapshot of a 10,000-task state then costs a string join instead of re-serialising megabytes, which
 * keeps the orchestrator's event loop free while snapshots run on their timer.
 */
export class SnapshotText {
  #tasks = new Map<string, string>();
  #graph: StateGraph | null = null;
  #graphText = '';

  /** A transition changed this task. */
  touch(id: string): void {
    this.#tasks.delete(id);
  }

  /** Anything may have changed (plan reconciled). */
  reset(): void {
    this.#tasks.clear();
    this.#graph = null;
  }

  render(state: CascadeState): string {
    if (state.graph !== this.#graph) {
      this.#graph = state.graph;
      this.#graphText = indented(state.graph, 2);
    }
    const parts: string[] = [
      '{\n  "schema_version": ',
      JSON.stringify(state.schema_version),
      ',\n  "project": ',
      indented(state.project, 2),
      ',\n  "graph": ',
      this.#graphText,
      ',\n  "tasks": {',
    ];
    let first = true;
    for (const id of Object.keys(state.tasks)) {
      let text = this.#tasks.get(id);
      if (text === undefined) {
        text = indented(state.tasks[id], 4);
        this.#tasks.set(id, text);
      }
      parts.push(first ? '\n    ' : ',\n    ', JSON.stringify(id), ': ', text);
      first = false;
    }
    parts.push(
      first ? '},\n  "milestones": ' : '\n  },\n  "milestones": ',
      indented(state.milestones, 2),
    );
    if (state.journal_seq !== undefined)
      parts.push(',\n  "journal_seq": ', JSON.stringify(state.journal_seq));
    parts.push('\n}\n');
    return parts.join('');
  }
}
