/** Every view has a URL (hash routes, so the static server needs no fallback and links survive reloads). */
export type Route =
  | { view: 'project' }
  | { view: 'branch'; branch: string }
  | { view: 'group'; branch: string; group: string }
  | { view: 'task'; id: string }
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

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/?/, '/');
  const raw = path.split('/').slice(1);
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  const parts = raw.map(decode);
  if (parts.some((p) => p === null || p === '')) return { view: 'not_found', path };
  const [head, ...rest] = parts as string[];
  if (head === undefined) return { view: 'project' };
  if (head === 'branch' && rest.length === 1) return { view: 'branch', branch: rest[0]! };
  if (head === 'group' && rest.length === 2) {
    return { view: 'group', branch: rest[0]!, group: rest[1]! };
  }
  if (head === 'task' && rest.length === 1) return { view: 'task', id: rest[0]! };
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
      return `#/group/${enc(route.branch)}/${enc(route.group)}`;
    case 'task':
      return `#/task/${enc(route.id)}`;
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
