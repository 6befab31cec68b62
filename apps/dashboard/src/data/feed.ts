import type { CascadeState, TaskState } from '@program-nova/state';

/** What `GET ./api/state` answers (see the dashboard server's README). */
export type FeedDocument =
  | { version: string; full: true; state: CascadeState }
  | ({
      version: string;
      full: false;
      since: string;
      tasks: Record<string, TaskState>;
      // Every other field of the state but the graph comes along, whole.
    } & Omit<CascadeState, 'graph' | 'tasks'>);

/** Whether the run the state records still has its process (the server checks the pid). */
export type RunProcess = 'alive' | 'gone' | 'none';

/** Why the page may not be showing the current state; the last good state stays on screen meanwhile. */
export type SourceProblem =
  | { kind: 'missing'; message: string }
  | { kind: 'unreadable'; message: string }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'offline'; message: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The state after a feed document: the document's state when it is whole, else `previous`'s graph
 * and tasks with the changed tasks and the document's other fields put in. Objects that did not
 * change keep their identity (the graph above all), so what is derived from them alone is not
 * derived again. Throws when the document does not fit `previous` (the caller then asks for the
 * whole state).
 */
export function applyFeed(previous: CascadeState | null, doc: unknown): CascadeState {
  if (!isObject(doc) || typeof doc.version !== 'string') throw new Error('not a state document');
  if (doc.full === true) {
    const state = doc.state;
    if (!isObject(state) || !isObject(state.tasks) || !isObject(state.graph)) {
      throw new Error('the document holds no state');
    }
    return state as unknown as CascadeState;
  }
  if (previous === null || !isObject(doc.tasks) || !isObject(doc.project)) {
    throw new Error('a change document without the state it changes');
  }
  const tasks = { ...previous.tasks };
  for (const [id, task] of Object.entries(doc.tasks)) {
    if (!Object.hasOwn(tasks, id)) throw new Error(`a change to an unknown task ${id}`);
    tasks[id] = task as TaskState;
  }
  const { version: _version, full: _full, since: _since, tasks: _tasks, ...fields } = doc;
  // The document carries every field but the graph: one absent now is absent from the state too.
  return { ...fields, graph: previous.graph, tasks } as unknown as CascadeState;
}

/** The path in a 404 / 503 answer, for messages that name the file being watched. */
export function problemOf(status: number, body: unknown, fallbackFile: string): SourceProblem {
  const doc = isObject(body) ? body : {};
  const file = typeof doc.stateFile === 'string' ? doc.stateFile : fallbackFile;
  if (status === 404) {
    return {
      kind: 'missing',
      message: `Nothing has been written to ${file} yet. Start a run (nova run) that writes it; this page follows it by itself, no reload needed.`,
    };
  }
  if (status === 401) {
    return {
      kind: 'unauthorized',
      message:
        'The dashboard server refused this page: open the address nova printed (it carries ?token=...).',
    };
  }
  const code = typeof doc.code === 'string' ? `${doc.code}: ` : '';
  const message = typeof doc.message === 'string' ? doc.message : `HTTP ${status}`;
  return { kind: 'unreadable', message: `${code}${message}` };
}
