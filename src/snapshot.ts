import { decodeClaims, definedOnly, groupsOf, identityClaims, usernameOf, type Claims, type TokenSet } from './tokens.js';

/** Where a session is in its life. */
export type SessionStatus = 'loading' | 'signedOut' | 'signedIn' | 'refreshing';

/** An immutable picture of the session, what `getSnapshot()` returns. */
export interface SessionSnapshot {
  readonly status: SessionStatus;
  readonly tokens?: TokenSet;
  /** The ID token's claims, or the access token's when there is no ID token (and it is a JWT). */
  readonly claims?: Readonly<Claims>;
  /** Groups from `cognito:groups` or `groups`; empty when there are none. */
  readonly groups?: readonly string[];
  /** `cognito:username`, `username` or `preferred_username`. */
  readonly username?: string;
  /** When the access token expires, ms on this device's clock. */
  readonly expiresAt?: number;
  /** When the next refresh is planned, ms on this device's clock. */
  readonly refreshAt?: number;
}

/** Builds the snapshot for a state; claims are decoded once here, not on every read. */
export function snapshotOf(status: SessionStatus, tokens: TokenSet | undefined, refreshAt: number): SessionSnapshot {
  if (tokens === undefined) return Object.freeze({ status });
  const claims = identityClaims(tokens);
  const access = tokens.idToken === undefined ? undefined : decodeClaims(tokens.accessToken, 'access token');
  return Object.freeze(
    definedOnly({
      status,
      tokens,
      claims,
      groups: Object.freeze(groupsOf(claims, access)),
      username: usernameOf(claims, access),
      expiresAt: tokens.expiresAt,
      refreshAt,
    }),
  );
}
