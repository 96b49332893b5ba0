import { TokenVaultError } from '../errors.js';
import { isLoopback } from '../providers/options.js';

/**
 * The origins `session.fetch` attaches the token to: the page's own (when there is a page) and
 * each of `origins`, normalised as `URL.origin` does (lower-case host, default port dropped), so
 * a request matches only on exactly the same scheme, host and port.
 */
export function allowedOrigins(origins: readonly string[] | undefined, pageOrigin: string | undefined): ReadonlySet<string> {
  const allowed = new Set<string>();
  // An opaque origin (file:, a sandboxed frame) is `null`: nothing is the same origin as it.
  if (pageOrigin && pageOrigin != 'null') allowed.add(pageOrigin);
  if (origins !== undefined && !Array.isArray(origins)) {
    throw new TokenVaultError('invalid_config', 'createSession(): origins must be an array of origins.');
  }
  for (const origin of origins ?? []) allowed.add(parseOrigin(origin));
  return allowed;
}

/** `scheme://host[:port]` (a trailing `/` is let pass), https: or http: on this machine; else `invalid_config`. */
function parseOrigin(value: unknown): string {
  let url: URL | undefined;
  try {
    url = new URL(value as string);
  } catch {
    // Not a URL: the same answer as any other wrong origin.
  }
  // The URL parser accepts `*` in a host name, so a wildcard has to be refused by name. A path,
  // query, fragment or user name makes the href longer than the origin's.
  const ok =
    url &&
    /^https?:$/.test(url.protocol) &&
    url.href == `${url.origin}/` &&
    !url.hostname.includes('*') &&
    (url.protocol == 'https:' || isLoopback(url.hostname));
  if (!ok) {
    throw new TokenVaultError(
      'invalid_config',
      `createSession(): origins: ${JSON.stringify(String(value))} is not an origin (https://host[:port], or http: on this machine).`,
    );
  }
  return url!.origin;
}
