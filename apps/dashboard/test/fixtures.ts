// Fixture states for the component tests, built the way the orchestrator builds them: createState
// from a plan, then transitions folded in with applyTransition (so they are always valid states).
import {
  applyTransition,
  type CascadeState,
  createState,
  parseStateText,
  type StateError,
  type TokenUsage,
  type Transition,
} from '@program-nova/state';

export type PlanSpec = {
  project: string;
  branches: { branch: string; groups: { group: string; tasks: [string, string, string[]][] }[] }[];
};

/** A Cascade-shaped plan (only the fields createState reads). */
export function cascadeOf(spec: PlanSpec): Parameters<typeof createState>[0] {
  const tasks = spec.branches.flatMap((b) =>
    b.groups.flatMap((g) =>
      g.tasks.map(([id, name, dependsOn], i) => ({
        id,
        name,
        description: `What ${name} changes`,
        dependsOn,
        branch: b.branch,
        group: g.group,
        line: i + 1,
        fields: {},
      })),
    ),
  );
  const hierarchy = spec.branches.map((b) => ({
    branch: b.branch,
    groups: b.groups.map((g) => ({ group: g.group, tasks: g.tasks.map(([id]) => id) })),
  }));
  return { projectName: spec.project, tasks, hierarchy, warnings: [] } as unknown as Parameters<
    typeof createState
  >[0];
}

export const T0 = Date.parse('2026-03-01T10:00:00.000Z');
export const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
export const usage = (
  input: number,
  output: number,
  cacheRead = 0,
  cacheWrite = 0,
): TokenUsage => ({
  input_tokens: input,
  output_tokens: output,
  cache_read_tokens: cacheRead,
  cache_creation_tokens: cacheWrite,
});

export function apply(state: CascadeState, ...transitions: Transition[]): CascadeState {
  for (const t of transitions) applyTransition(state, t);
  return state;
}

export const started = (id: string, seconds: number): Transition => ({
  type: 'task_started',
  at: at(seconds),
  id,
  worker_id: `w-${id}`,
  pid: 4242,
  pgid: 4242,
  log_path: `logs/${id}.log`,
  model: 'claude-sonnet-4-5',
});

export const completed = (id: string, seconds: number, tokens = usage(1200, 300)): Transition => ({
  type: 'task_completed',
  at: at(seconds),
  id,
  exit_code: 0,
  token_usage: tokens,
  cost_usd: 0.12,
  model: 'claude-sonnet-4-5',
});

export const failed = (id: string, seconds: number, error: string): Transition => ({
  type: 'task_failed',
  at: at(seconds),
  id,
  error,
  failure_kind: 'exit_code',
  exit_code: 1,
  token_usage: usage(800, 100),
  cost_usd: 0.05,
  model: 'claude-sonnet-4-5',
  retry_at: null,
  counts_as_attempt: true,
});

/**
 * The reference plan:
 *   App / Foundation: F1 <- F2 <- F3 ; F1 <- F4
 *   App / Features:   X1 (deps F2) <- X2 ; X3 (deps F4)
 *   Docs / Guides:    D1 (deps X2)
 */
export function plan(): CascadeState {
  return createState(
    cascadeOf({
      project: 'Demo Project',
      branches: [
        {
          branch: 'Application',
          groups: [
            {
              group: 'Foundation',
              tasks: [
                ['F1', 'Core Types', []],
                ['F2', 'Error Handling', ['F1']],
                ['F3', 'Validation Utils', ['F2']],
                ['F4', 'Config Loader', ['F1']],
              ],
            },
            {
              group: 'Features',
              tasks: [
                ['X1', 'Parser', ['F2']],
                ['X2', 'Renderer', ['X1']],
                ['X3', 'Settings Page', ['F4']],
              ],
            },
          ],
        },
        { branch: 'Docs', groups: [{ group: 'Guides', tasks: [['D1', 'User Guide', ['X2']]] }] },
      ],
    }),
    { now: new Date(T0) },
  );
}

/** F1, F4 done; F2 failed (so F3, X1, X2, D1 are blocked); X3 running. */
export function failedRun(): CascadeState {
  return apply(
    plan(),
    { type: 'run_started', at: at(0), pid: 999, cascade_file: 'CASCADE.md' },
    started('F1', 0),
    completed('F1', 60),
    started('F2', 61),
    started('F4', 61),
    completed('F4', 100),
    failed('F2', 130, 'exit code 1: TypeError: cannot read properties of undefined'),
    started('X3', 101),
    {
      type: 'milestone_reached',
      at: at(100),
      id: 'm1',
      name: 'Foundation half done',
      message: 'Two of four',
    },
  );
}

/** A run on: F1 running since +1 s, recorded by pid 7. */
export function runningF1(): CascadeState {
  return apply(
    plan(),
    { type: 'run_started', at: at(0), pid: 7, cascade_file: null },
    started('F1', 1),
  );
}

/** Everything completed. */
export function finishedRun(): CascadeState {
  const s = apply(plan(), { type: 'run_started', at: at(0), pid: 999, cascade_file: 'CASCADE.md' });
  let t = 0;
  for (const id of Object.keys(s.tasks)) {
    apply(s, started(id, t), completed(id, t + 30));
    t += 31;
  }
  return apply(s, { type: 'run_finished', at: at(t), completed: true });
}

/** A plan of n tasks in groups of `groupSize` (chains of 5), some running / done / failed. */
export function bigRun(n: number, groupSize = 50): CascadeState {
  const groups: { group: string; tasks: [string, string, string[]][] }[] = [];
  for (let i = 0; i < n; i++) {
    const g = Math.floor(i / groupSize);
    if (!groups[g]) groups[g] = { group: `Group ${g}`, tasks: [] };
    groups[g]!.tasks.push([`T${i}`, `Task number ${i}`, i % 5 === 0 ? [] : [`T${i - 1}`]]);
  }
  const s = createState(
    cascadeOf({ project: 'Big Plan', branches: [{ branch: 'Main', groups }] }),
    {
      now: new Date(T0),
    },
  );
  apply(s, { type: 'run_started', at: at(0), pid: 1, cascade_file: 'CASCADE.md' });
  for (let i = 0; i < n; i += 5) {
    apply(s, started(`T${i}`, i));
    if (i % 15 === 0) apply(s, completed(`T${i}`, i + 10));
    else if (i % 35 === 0) apply(s, failed(`T${i}`, i + 10, 'boom'));
  }
  return s;
}

export const FAKE_STATE_FILE = '/runs/demo/cascade_state.json';

/**
 * A fetch that answers like the dashboard server: the state feed (`/api/state`: whole, then only
 * changed tasks since the client's version, 304 while current; 404 / 503 naming the file; the
 * state validated with parseStateText as the server does) and task logs (tail or from an offset).
 */
export function fakeServer(initial: CascadeState | null, logs: Record<string, string> = {}) {
  let raw: string | null = initial ? JSON.stringify(initial) : null;
  let version = 1;
  const versions = new Map<number, CascadeState>();
  let runProcess: 'alive' | 'gone' | 'none' = 'none';
  const calls: { url: string; ifNoneMatch: string | null; status: number; body: string }[] = [];
  let failNext: Error | null = null;
  let offline = false;
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json', ...headers },
    });
  const feed = (url: URL, ifNoneMatch: string | null): Response => {
    if (raw === null) return json(404, { error: 'missing', stateFile: FAKE_STATE_FILE });
    let state: CascadeState;
    try {
      state = parseStateText(raw, { file: FAKE_STATE_FILE });
    } catch (error) {
      const e = error as StateError;
      return json(503, {
        error: 'unreadable',
        code: e.code,
        message: e.message,
        stateFile: FAKE_STATE_FILE,
      });
    }
    versions.set(version, state);
    const current = `v${version}`;
    const headers = { ETag: `"${current}"`, 'X-Run-Process': runProcess };
    const since = url.searchParams.get('since');
    if (since === current || ifNoneMatch === `"${current}"`) {
      return new Response(null, { status: 304, headers });
    }
    const base = since?.startsWith('v') ? versions.get(Number(since.slice(1))) : undefined;
    if (!base || JSON.stringify(base.graph) !== JSON.stringify(state.graph)) {
      return json(200, { version: current, full: true, state }, headers);
    }
    const tasks: Record<string, unknown> = {};
    for (const id of Object.keys(state.tasks)) {
      if (JSON.stringify(state.tasks[id]) !== JSON.stringify(base.tasks[id]))
        tasks[id] = state.tasks[id];
    }
    // Like the server: every field of the state but the graph, and only the changed tasks.
    const { graph: _graph, tasks: _tasks, ...fields } = state;
    return json(200, { version: current, full: false, since, ...fields, tasks }, headers);
  };
  const log = (url: URL): Response => {
    const id = decodeURIComponent(url.pathname.split('/logs/')[1] ?? '');
    const attempt = url.searchParams.get('attempt');
    const text = logs[attempt ? `${id}.log.${attempt}` : id];
    if (text === undefined) return new Response('no log', { status: 404 });
    const bytes = new TextEncoder().encode(text);
    const from = url.searchParams.get('from');
    const tail = Number(url.searchParams.get('tail') ?? 65536);
    const start =
      from !== null
        ? Number(from) <= bytes.length
          ? Number(from)
          : 0
        : Math.max(0, bytes.length - tail);
    const earlier = Object.keys(logs).filter((k) => k.startsWith(`${id}.log.`)).length;
    return new Response(bytes.slice(start), {
      status: 200,
      headers: {
        'X-Log-Size': String(bytes.length),
        'X-Log-Start': String(start),
        'X-Log-Truncated': start > 0 ? '1' : '0',
        'X-Log-Earlier': String(earlier),
      },
    });
  };
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://dashboard.test/');
    const ifNoneMatch = new Headers(init?.headers).get('If-None-Match');
    if (failNext) {
      const e = failNext;
      failNext = null;
      throw e;
    }
    if (offline) throw new TypeError('Failed to fetch');
    const res = url.pathname.includes('/logs/') ? log(url) : feed(url, ifNoneMatch);
    const body = res.status === 304 ? '' : await res.clone().text();
    calls.push({ url: url.pathname + url.search, ifNoneMatch, status: res.status, body });
    return res;
  }) as typeof fetch;
  return {
    fetch: fetchImpl,
    calls,
    setState(state: CascadeState | null) {
      raw = state ? JSON.stringify(state) : null;
      version++;
    },
    setRaw(text: string) {
      raw = text;
      version++;
    },
    setRunProcess(value: 'alive' | 'gone' | 'none') {
      runProcess = value;
    },
    failOnce(error: Error) {
      failNext = error;
    },
    /** The server is gone (every request fails) or back. */
    setOffline(value: boolean) {
      offline = value;
    },
    setLog(id: string, text: string) {
      logs[id] = text;
    },
  };
}

const line = (event: unknown) => JSON.stringify(event);
/** One assistant event, as Claude Code prints it: one content block, the message's usage. */
const assistant = (id: string, usage: Record<string, number>, block: unknown) =>
  line({ type: 'assistant', message: { id, model: 'claude-sonnet-4-5', usage, content: [block] } });
const toolResult = (id: string, content: string, isError = false) =>
  line({
    type: 'user',
    message: {
      content: [
        { type: 'tool_result', tool_use_id: id, content, ...(isError ? { is_error: true } : {}) },
      ],
    },
  });
const TURN_1 = {
  input_tokens: 1200,
  output_tokens: 300,
  cache_read_input_tokens: 0,
  cache_creation_input_tokens: 4000,
};
const TURN_2 = {
  input_tokens: 200,
  output_tokens: 80,
  cache_read_input_tokens: 5200,
  cache_creation_input_tokens: 0,
};

/** A Claude-Code-shaped log (stream-json) with Nova's lines, two turns, tool calls, an unknown event. */
export const CLAUDE_LOG = [
  '# nova: task X3, attempt started 2026-03-01T10:01:41.000Z',
  line({
    type: 'system',
    subtype: 'init',
    session_id: 's-1',
    model: 'claude-sonnet-4-5',
    cwd: '/work/app',
    tools: ['Bash', 'Edit'],
  }),
  assistant('msg_1', TURN_1, { type: 'text', text: 'Looking at the settings page first.' }),
  assistant('msg_1', TURN_1, {
    type: 'tool_use',
    id: 'toolu_1',
    name: 'Bash',
    input: { command: 'npm test -- settings' },
  }),
  toolResult('toolu_1', 'Tests  12 passed (12)\nDuration 1.2s'),
  line({ type: 'telemetry_ping', id: 42 }),
  assistant('msg_2', TURN_2, {
    type: 'tool_use',
    id: 'toolu_2',
    name: 'Edit',
    input: { file_path: 'src/settings.ts', old_string: 'a', new_string: 'b' },
  }),
  toolResult('toolu_2', 'File not found: src/settings.ts', true),
  line({
    type: 'result',
    subtype: 'success',
    is_error: false,
    result: 'Settings page done.',
    num_turns: 2,
    duration_ms: 61000,
    total_cost_usd: 0.0421,
  }),
  '# nova: succeeded (exit code 0) after 1m 01s',
  '',
].join('\n');

/**
 * A big run in progress, as at `-j running`: n tasks (10 branches x 10 groups, chains of 5), the
 * first 60% done (one in 97 failed), then `running` tasks running, the rest pending. `tick(k)`
 * moves it on like a live run: the running tasks report more tokens, `k` of them complete and as
 * many start.
 */
export function liveBigRun(n: number, running: number) {
  const groups = new Map<
    string,
    { branch: string; group: string; tasks: [string, string, string[]][] }
  >();
  for (let i = 0; i < n; i++) {
    const branch = `Branch ${Math.floor((i * 10) / n)}`;
    const group = `Group ${Math.floor((i * 100) / n)}`;
    const key = `${branch}/${group}`;
    if (!groups.has(key)) groups.set(key, { branch, group, tasks: [] });
    groups
      .get(key)!
      .tasks.push([
        `T${i}`,
        `Implement part ${i} of the service`,
        i % 5 === 0 ? [] : [`T${i - 1}`],
      ]);
  }
  const branches: PlanSpec['branches'] = [];
  for (const g of groups.values()) {
    let b = branches.at(-1);
    if (b?.branch !== g.branch) {
      b = { branch: g.branch, groups: [] };
      branches.push(b);
    }
    b.groups.push({ group: g.group, tasks: g.tasks });
  }
  const state = createState(cascadeOf({ project: 'Big Live Plan', branches }), {
    now: new Date(T0),
  });
  apply(state, { type: 'run_started', at: at(0), pid: 1, cascade_file: 'CASCADE.md' });
  const done = Math.floor(n * 0.6);
  for (let i = 0; i < done; i++) {
    apply(state, started(`T${i}`, i));
    apply(state, i % 97 === 3 ? failed(`T${i}`, i + 5, 'exit code 1') : completed(`T${i}`, i + 5));
  }
  let next = done;
  const live: string[] = [];
  const start = () => {
    const id = `T${next++}`;
    apply(state, started(id, next));
    live.push(id);
  };
  for (let i = 0; i < running; i++) start();
  let step = 0;
  return {
    state,
    tick(k: number) {
      step++;
      for (const id of live) {
        apply(state, {
          type: 'task_progress',
          at: at(done + step),
          id,
          token_usage: usage(1000 * step, 200 * step, 4000 * step),
          current_step: `Edit src/part-${id}.ts`,
        });
      }
      for (let i = 0; i < k && live.length > 0; i++) {
        apply(state, completed(live.shift()!, done + step + 1));
        if (next < n) start();
      }
    },
  };
}
