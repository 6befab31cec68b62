// Fixture states for the component tests, built the way the orchestrator builds them: createState
// from a plan, then transitions folded in with applyTransition (so they are always valid states).
import {
  applyTransition,
  type CascadeState,
  createState,
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

/** A fetch that serves the given state JSON (with an ETag) and logs, as the dashboard server does. */
export function fakeServer(initial: CascadeState | null, logs: Record<string, string> = {}) {
  let body: string | null = initial ? JSON.stringify(initial) : null;
  let version = 1;
  const calls: { url: string; ifNoneMatch: string | null; status: number }[] = [];
  let failNext: Error | null = null;
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    const ifNoneMatch = headers.get('If-None-Match');
    if (failNext) {
      const e = failNext;
      failNext = null;
      throw e;
    }
    let res: Response;
    if (url.includes('cascade_state.json')) {
      const etag = `"v${version}"`;
      if (body === null) res = new Response('state file not found', { status: 404 });
      else if (ifNoneMatch === etag)
        res = new Response(null, { status: 304, headers: { ETag: etag } });
      else res = new Response(body, { status: 200, headers: { ETag: etag } });
    } else {
      const id = decodeURIComponent(url.split('/logs/')[1]?.split('?')[0] ?? '');
      const text = logs[id];
      res =
        text === undefined
          ? new Response('no log', { status: 404 })
          : new Response(text, { status: 200, headers: { ETag: `"l${text.length}"` } });
    }
    calls.push({ url, ifNoneMatch, status: res.status });
    return res;
  }) as typeof fetch;
  return {
    fetch: fetchImpl,
    calls,
    setState(state: CascadeState | null) {
      body = state ? JSON.stringify(state) : null;
      version++;
    },
    setRaw(text: string) {
      body = text;
      version++;
    },
    failOnce(error: Error) {
      failNext = error;
    },
    setLog(id: string, text: string) {
      logs[id] = text;
    },
  };
}
