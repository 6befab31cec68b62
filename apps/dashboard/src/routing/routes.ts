import type { DisplayStatus } from '../data/model.js';

/** How a task table is filtered and sorted; it lives in the URL so a view can be shared. */
export interface TaskQuery {
  /** Statuses shown; empty: all. */
  status: DisplayStatus[];
  sort: SortKey;
  dir: 'asc' | 'desc';
  /** Text an id or a name must contain. */
  q: string;
  branch?: string;
  group?: string;
}

export const SORT_KEYS = [
  'order',
  'id',
  'status',
  'duration',
  'tokens',
  'cost',
  'started',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const STATUSES: readonly DisplayStatus[] = [
  'in_progress',
  'failed',
  'blocked',
  'pending',
  'completed',
];

export const DEFAULT_QUERY: Readonly<TaskQuery> = { status: [], sort: 'order', dir: 'asc', q: '' };

/** Every view has a URL (hash routes, so the static server needs no fallback and links survive reloads). */
export type Route =
  | { view: 'project' }
  | { view: 'branch'; branch: string }
  | { view: 'group'; branch: string; group: string; query?: TaskQuery }
  | { view: 'task'; id: string; attempt?: number }
  | { view: 'tasks'; query: TaskQuery }
  | { view: 'graph'; branch?: string; group?: string }
  | { view: 'timeline' }
  | { view: 'not_found'; path: string };

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export function parseQuery(params: URLSearchParams): TaskQuery {
  const status = (params.get('status') ?? '')
    .split(',')
    .filter((s): s is DisplayStatus => (STATUSES as readonly string[]).includes(s));
  const sort = params.get('sort');
  const query: TaskQuery = {
    status: [...new Set(status)],
    sort: (SORT_KEYS as readonly string[]).includes(sort ?? '') ? (sort as SortKey) : 'order',
    dir: params.get('dir') === 'desc' ? 'desc' : 'asc',
    q: params.get('q') ?? '',
  };
  const branch = params.get('branch');
  const group = params.get('group');
  if (branch !== null) query.branch = branch;
  if (group !== null) query.group = group;
  return query;
}

/** The query as URL parameters, defaults left out (`''` when all are defaults). */
export function queryString(query: TaskQuery): string {
  const p = new URLSearchParams();
  if (query.q !== '') p.set('q', query.q);
  if (query.status.length > 0) p.set('status', query.status.join(','));
  if (query.sort !== 'order') p.set('sort', query.sort);
  if (query.dir !== 'asc') p.set('dir', query.dir);
  if (query.branch !== undefined) p.set('branch', query.branch);
  if (query.group !== undefined) p.set('group', query.group);
  const text = p.toString();
  return text === '' ? '' : `?${text}`;
}

export function parseRoute(hash: string): Route {
  const full = hash.replace(/^#/, '');
  const q = full.indexOf('?');
  const path = (q === -1 ? full : full.slice(0, q)).replace(/^\/?/, '/');
  const params = new URLSearchParams(q === -1 ? '' : full.slice(q + 1));
  const raw = path.split('/').slice(1);
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  const parts = raw.map(decode);
  if (parts.some((p) => p === null || p === '')) return { view: 'not_found', path };
  const [head, ...rest] = parts as string[];
  if (head === undefined) return { view: 'project' };
  if (head === 'branch' && rest.length === 1) return { view: 'branch', branch: rest[0]! };
  if (head === 'group' && rest.length === 2) {
    const route: Route = { view: 'group', branch: rest[0]!, group: rest[1]! };
    if (q !== -1) route.query = parseQuery(params);
    return route;
  }
  if (head === 'task' && rest.length === 1) {
    const attempt = params.get('attempt');
    return attempt !== null && /^[1-9]\d{0,5}$/.test(attempt)
      ? { view: 'task', id: rest[0]!, attempt: Number(attempt) }
      : { view: 'task', id: rest[0]! };
  }
  if (head === 'tasks' && rest.length === 0) return { view: 'tasks', query: parseQuery(params) };
  if (head === 'graph' && rest.length === 0) return { view: 'graph' };
  if (head === 'graph' && rest.length === 2) {
    return { view: 'graph', branch: rest[0]!, group: rest[1]! };
  }
  if (head === 'timeline' && rest.length === 0) return { view: 'timeline' };
  return { view: 'not_found', path };
}

const enc = encodeURIComponent;

export function hrefFor(route: Route): string {
  switch (route.view) {
    case 'project':
      return '#/';
    case 'branch':
      return `#/branch/${enc(route.branch)}`;
    case 'group':
      return `#/group/${enc(route.branch)}/${enc(route.group)}${route.query ? queryString(route.query) : ''}`;
    case 'task':
      return `#/task/${enc(route.id)}${route.attempt !== undefined ? `?attempt=${route.attempt}` : ''}`;
    case 'tasks':
      return `#/tasks${queryString(route.query)}`;
    case 'graph':
      return route.branch !== undefined && route.group !== undefined
        ? `#/graph/${enc(route.branch)}/${enc(route.group)}`
        : '#/graph';
    case 'timeline':
      return '#/timeline';
    case 'not_found':
      return `#${route.path}`;
  }
}

/** The task table across the plan with some statuses, e.g. the target of "and 42 more". */
export function tasksHref(query: Partial<TaskQuery>): string {
  return hrefFor({ view: 'tasks', query: { ...DEFAULT_QUERY, ...query } });
}
