/**
 * Secrets in addresses: a URL's password (or a lone user name, which is often a token, as in
 * `https://ghp_x@github.com/...`) replaced by `***` wherever people could see it.
 */

/** `redis://user:secret@host` → `redis://user:***@host`, anywhere in a text (any scheme). */
export function maskCredentials(text: string): string {
  return text.replace(
    /([a-z][a-z0-9+.-]*:\/\/)([^@\s/]*)@/gi,
    (_m, scheme: string, auth: string) => {
      const colon = auth.indexOf(':');
      return colon < 0 ? `${scheme}***@` : `${scheme}${auth.slice(0, colon)}:***@`;
    },
  );
}
