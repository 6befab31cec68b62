import { randomBytes } from 'node:crypto';
import { type CascadeState, parseStateText, StateError } from '@program-nova/state';
import { createStateFileReader } from './state-file.js';

/** One validated snapshot as the feed numbers it. */
export interface StateVersion {
  /** `<epoch>-<n>`: the epoch is this server's, so a version of another server is never trusted. */
  version: string;
  n: number;
  state: CascadeState;
  ids: Set<string>;
}

export type FeedRead =
  | { kind: 'ok'; current: StateVersion }
  | { kind: 'missing' }
  | { kind: 'unreadable'; code: string; message: string };

interface Tracked {
  current: StateVersion;
  /** Version number since which the graph (hence the task ids and their order) is unchanged. */
  graphSince: number;
  graphText: string;
  /** Each task's JSON in the current version, and the version number it last changed in. */
  taskText: Map<string, string>;
  changedIn: Map<string, number>;
  /** The body of the full document of the current version, built on first request. */
  full: Buffer | null;
}

/**
 * The state snapshot as a feed of numbered versions, so a poll can carry only what changed since
 * the version its client holds. Each time the file's bytes change (and someone asks), it is parsed
 * and validated once (`parseStateText`, as every reader of the state does) and compared with the
 * previous version task by task; a task's JSON differing means the task changed. Cost per new
 * version: one parse and one serialisation of the tasks; memory: one JSON string per task.
 */
export function createStateFeed(stateFile: string) {
  const reader = createStateFileReader(stateFile);
  const epoch = randomBytes(6).toString('base64url');
  let tracked: Tracked | null = null;
  let lastEtag: string | null = null;
  let lastProblem: FeedRead | null = null;
  let pending: { etag: string; read: Promise<FeedRead> } | null = null;

  function advance(state: CascadeState): Tracked {
    const n = (tracked?.current.n ?? 0) + 1;
    const graphText = JSON.stringify(state.graph);
    const ids = Object.keys(state.tasks);
    const sameGraph = tracked !== null && tracked.graphText === graphText;
    const taskText = new Map<string, string>();
    const changedIn = sameGraph ? tracked!.changedIn : new Map<string, number>();
    for (const id of ids) {
      const text = JSON.stringify(state.tasks[id]);
      taskText.set(id, text);
      if (!sameGraph || tracked!.taskText.get(id) !== text) changedIn.set(id, n);
    }
    return {
      current: { version: `${epoch}-${n}`, n, state, ids: new Set(ids) },
      graphSince: sameGraph ? tracked!.graphSince : n,
      graphText,
      taskText,
      changedIn,
      full: null,
    };
  }

  async function load(): Promise<FeedRead> {
    const snapshot = await reader.read();
    if (snapshot.kind === 'missing') return { kind: 'missing' };
    if (snapshot.kind === 'unreadable') {
      return { kind: 'unreadable', code: 'STATE_READ_FAILED', message: snapshot.message };
    }
    if (snapshot.etag === lastEtag) {
      return tracked && lastProblem === null
        ? { kind: 'ok', current: tracked.current }
        : lastProblem!;
    }
    if (pending?.etag === snapshot.etag) return pending.read;
    const read = (async (): Promise<FeedRead> => {
      try {
        const state = parseStateText(snapshot.bytes.toString('utf8'), { file: stateFile });
        tracked = advance(state);
        lastProblem = null;
        return { kind: 'ok', current: tracked.current };
      } catch (error) {
        const code = error instanceof StateError ? error.code : 'STATE_INVALID';
        lastProblem = { kind: 'unreadable', code, message: (error as Error).message };
        return lastProblem;
      } finally {
        lastEtag = snapshot.etag;
        pending = null;
      }
    })();
    pending = { etag: snapshot.etag, read };
    return read;
  }

  /** The version a client names, when it is one of this feed's and not newer than the current. */
  function sinceNumber(since: string | null): number | null {
    if (since === null || !since.startsWith(`${epoch}-`)) return null;
    const n = Number(since.slice(epoch.length + 1));
    return Number.isSafeInteger(n) && n >= 1 && tracked !== null && n <= tracked.current.n
      ? n
      : null;
  }

  return {
    read: load,

    /**
     * The answer for a client holding `since`: only the tasks changed after it, with every other
     * field of the state but the graph (project, milestones, journal_seq, removed_tasks,
     * plan_changes, warnings, ...: small, and a field added later is carried without a change
     * here), when the graph is the same as then, else the whole state. The current version must be
     * the one `read` returned last.
     */
    body(since: string | null): { body: Buffer; full: boolean } {
      const t = tracked!;
      const { state, version } = t.current;
      const m = sinceNumber(since);
      if (m === null || m < t.graphSince) {
        t.full ??= Buffer.from(
          `{"version":"${version}","full":true,"state":${stringifyState(state, t)}}`,
        );
        return { body: t.full, full: true };
      }
      const changed: string[] = [];
      for (const [id, n] of t.changedIn) {
        if (n > m) changed.push(`${JSON.stringify(id)}:${t.taskText.get(id)}`);
      }
      const body = Buffer.from(
        `{"version":"${version}","full":false,"since":"${since}",${fieldsText(state)}"tasks":{${changed.join(',')}}}`,
      );
      return { body, full: false };
    },

    /** Task ids of the last good state (logs are served only for these). */
    taskIds(): Set<string> {
      return tracked?.current.ids ?? new Set();
    },
  };
}

/** The state's fields other than the graph and the tasks, as JSON members each followed by a comma. */
function fieldsText(state: CascadeState): string {
  const { graph: _graph, tasks: _tasks, ...fields } = state;
  const text = JSON.stringify(fields).slice(1, -1);
  return text === '' ? '' : `${text},`;
}

/** The state as JSON, reusing the graph's and the task texts already made for the comparison. */
function stringifyState(state: CascadeState, t: Tracked): string {
  const tasks = [...t.taskText].map(([id, text]) => `${JSON.stringify(id)}:${text}`).join(',');
  return `{${fieldsText(state)}"graph":${t.graphText},"tasks":{${tasks}}}`;
}
