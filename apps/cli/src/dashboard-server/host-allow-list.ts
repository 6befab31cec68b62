/**
 * Host header allow-list. A page on another origin can make a browser send requests to
 * 127.0.0.1 (DNS rebinding); such requests carry the attacker's host name, so only names of the
 * local machine (and the host the server was asked to bind) are answered.
 */
export function createHostAllowList(boundHost: string, port: number, extra: string[] = []) {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  names.add(bracketIpv6(boundHost).toLowerCase());
  for (const name of extra) names.add(bracketIpv6(name).toLowerCase());
  const allowed = new Set([...names].map((name) => `${name}:${port}`));
  return (hostHeader: string | undefined): boolean =>
    typeof hostHeader === 'string' && allowed.has(hostHeader.trim().toLowerCase());
}

/** `::1` -> `[::1]`: the form an IPv6 literal takes in a Host header and a URL. */
export function bracketIpv6(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
