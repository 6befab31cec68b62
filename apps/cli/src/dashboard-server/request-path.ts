/** A request target reduced to safe path segments, or null when it must be refused (404). */
export interface ParsedTarget {
  segments: string[];
  query: URLSearchParams;
}

/**
 * Parses the raw request target. Node does not normalise `req.url`, so everything a path could use
 * to climb out of a folder is refused here: `..` or `.` segments (also percent-encoded), encoded
 * slashes that would change the segment structure, backslashes, NUL, fragments and absolute-form targets.
 */
export function parseRequestTarget(raw: string | undefined): ParsedTarget | null {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//')) return null;
  if (raw.includes('#')) return null;
  const q = raw.indexOf('?');
  const rawPath = q === -1 ? raw : raw.slice(0, q);
  const rawQuery = q === -1 ? '' : raw.slice(q + 1);
  const segments: string[] = [];
  for (const rawSegment of rawPath.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(rawSegment);
    } catch {
      return null;
    }
    if (
      segment === '.' ||
      segment === '..' ||
      segment.includes('/') ||
      segment.includes('\\') ||
      segment.includes('\0')
    ) {
      return null;
    }
    segments.push(segment);
  }
  // A trailing slash leaves one empty segment ("/" -> [""]); empty segments elsewhere are refused.
  const inner = segments.slice(0, -1);
  if (inner.some((s) => s === '')) return null;
  let query: URLSearchParams;
  try {
    query = new URLSearchParams(rawQuery);
  } catch {
    return null;
  }
  return { segments, query };
}
