import { TokenVaultError } from '../errors.js';

/** Throws `invalid_config` with `message` unless `ok`. */
export function requireOption(ok: unknown, message: string): asserts ok {
  if (!ok) throw new TokenVaultError('invalid_config', message);
}

/** What a URL option may be besides an https: URL. */
export interface UrlRules {
  /** Any scheme at all (an app's own redirect scheme, `com.example.app:/callback`). */
  anyScheme?: boolean | undefined;
  /** Plain http: on any host, not only on this machine (the `dangerouslyAllowInsecureHttp` opt-out). */
  insecureHttp?: boolean | undefined;
}

/**
 * Whether `hostname` (as URL parses it) is this machine: `localhost`, 127.0.0.0/8 or [::1].
 * URL has already normalised `127.1`, `0x7f.0.0.1` and `[0:0::1]` to their plain forms.
 */
export function isLoopback(hostname: string): boolean {
  return /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i.test(hostname);
}

/**
 * Parses option `name` as an absolute URL: https:, or http: on a loopback host (tokens sent
 * anywhere else over http: travel unencrypted), unless `rules` allow more. Else `invalid_config`.
 */
export function urlOption(value: unknown, name: string, rules: UrlRules = {}): URL {
  let url: URL | undefined;
  try {
    url = new URL(value as string);
  } catch {
    // Not a URL at all: the same answer as a URL of the wrong scheme.
  }
  if (!url || (!rules.anyScheme && !/^https?:$/.test(url.protocol))) {
    throw new TokenVaultError('invalid_config', `${name} must be an absolute ${rules.anyScheme ? '' : 'http(s) '}URL.`);
  }
  requireOption(
    url.protocol != 'http:' || rules.insecureHttp || isLoopback(url.hostname),
    `${name} is plain http: on ${url.host}, so tokens would cross the network unencrypted. ` +
      'Use https: (or localhost, 127.0.0.1, [::1]); dangerouslyAllowInsecureHttp allows it.',
  );
  return url;
}
