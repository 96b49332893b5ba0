/** A parameter (`name=value`, the value a token or a quoted string) or a bare token (a scheme, a token68). */
const PART = /([!#$%&'*+.^_`|~\w-]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*))?/g;

/**
 * Whether a `WWW-Authenticate` header (RFC 9110 §11.6.1; several challenges may share one
 * header) has a `Bearer` (RFC 6750 §3) or `DPoP` (RFC 9449 §7.1) challenge with
 * `error="invalid_token"`: the token was refused, so a new one may succeed.
 */
export function saysInvalidToken(header: string | null): boolean {
  let scheme = '';
  // True at the start and after a parameter or token68: the next bare token is a scheme.
  let expectScheme = true;
  for (const [, name, value] of (header ?? '').matchAll(PART)) {
    if (value === undefined) {
      if (expectScheme) scheme = name!.toLowerCase();
      expectScheme = !expectScheme;
      continue;
    }
    expectScheme = true;
    if ((scheme == 'bearer' || scheme == 'dpop') && name!.toLowerCase() == 'error' && value.replace(/^"|"$/g, '') == 'invalid_token') {
      return true;
    }
  }
  return false;
}
