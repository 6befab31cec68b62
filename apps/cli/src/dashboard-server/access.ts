import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a token may be made of: it travels in a URL, a cookie and a header without escaping. */
export const TOKEN_PATTERN = /^[A-Za-z0-9._~-]{16,256}$/;

/** A fresh access token: 32 random bytes, base64url (43 characters). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Whether `host` is a loopback address or name. Only these may be bound without a token: anything
 * else can be reached from other machines, and the Host allow-list does not stop a client that
 * simply sends `Host: localhost`.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The cookie is per port: browsers share cookies between ports of one host. */
export function tokenCookieName(port: number): string {
  return `nova_dashboard_${port}`;
}

export type AccessVerdict =
  /** No token is required, or a valid cookie or Authorization header carried it. */
  | { kind: 'allowed' }
  /** The URL carried the valid token: answer with the cookie so the page's own requests carry it. */
  | { kind: 'allowed_by_query'; setCookie: string }
  | { kind: 'denied' };

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * The token check run on every request. Each presented token is compared with the expected one in
 * constant time, over SHA-256 digests (equal length whatever was sent), so neither its content nor
 * its length leaks through timing.
 */
export function createAccessCheck(token: string | null, port: number) {
  if (token === null) return (): AccessVerdict => ({ kind: 'allowed' });
  const expected = digest(token);
  const cookieName = tokenCookieName(port);
  const matches = (candidate: string | null | undefined): boolean =>
    typeof candidate === 'string' && timingSafeEqual(digest(candidate), expected);
  return (req: IncomingMessage, query: URLSearchParams): AccessVerdict => {
    const auth = req.headers.authorization;
    const bearer = typeof auth === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1] : undefined;
    if (matches(bearer) || matches(cookieValue(req.headers.cookie, cookieName))) {
      return { kind: 'allowed' };
    }
    if (matches(query.get('token'))) {
      return {
        kind: 'allowed_by_query',
        setCookie: `${cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict`,
      };
    }
    return { kind: 'denied' };
  };
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
