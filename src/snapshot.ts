import { decodeClaims, definedOnly, type Claims, type TokenSet } from './tokens.js';

/** Where a session is in its life. */
export type SessionStatus = 'loading' | 'signedOut' | 'signedIn' | 'refreshing';

/**
 * An immutable picture of the session, what `getSnapshot()` returns. `TClaims`
 * declares an app's own claims (see `Claims`).
 */
export interface SessionSnapshot<TClaims extends object = object> {
  readonly status: SessionStatus;
  readonly tokens?: TokenSet;
  /** The ID token's claims, or the access token's when there is no ID token (and it is a JWT). Decoded, not verified. */
  readonly claims?: Readonly<Claims<TClaims>>;
  /** Groups from `cognito:groups` or `groups`; empty when there are none. */
  readonly groups?: readonly string[];
  /** `cognito:username`, `username` or `preferred_username`. */
  readonly username?: string;
  /** When the access token expires, ms on this device's clock. */
  readonly expiresAt?: number;
  /** When the next refresh is planned, ms on this device's clock. */
  readonly refreshAt?: number;
}

/** Who the tokens say the user is. */
export interface Identity {
  readonly claims: Claims | undefined;
  readonly groups: readonly string[];
  readonly username: string | undefined;
}

// Token sets are immutable, so their claims are decoded once each, however often the status changes.
const identities = new WeakMap<TokenSet, Identity>();

/**
 * The claims, groups and username of a token set, decoded on first use. The
 * claims are the ID token's, else the access token's; groups and username are
 * looked up in those claims first, then in the access token's.
 */
export function identityOf(tokens: TokenSet): Identity {
  let identity = identities.get(tokens);
  if (!identity) {
    const access = decodeClaims(tokens.accessToken, 'access token');
    const claims = tokens.idToken ? decodeClaims(tokens.idToken, 'ID token') : access;
    const find = (keys: string[], ok: (value: unknown) => boolean): unknown => {
      for (const source of [claims, access]) for (const key of keys) if (ok(source?.[key])) return source?.[key];
    };
    const groups = find(['cognito:groups', 'groups'], (value) => Array.isArray(value) || typeof value === 'string');
    identity = {
      claims,
      groups: Object.freeze([groups ?? []].flat().filter((group): group is string => typeof group === 'string')),
      username: find(['cognito:username', 'username', 'preferred_username'], (value) => typeof value === 'string') as string | undefined,
    };
    identities.set(tokens, identity);
  }
  return identity;
}

/** Builds the snapshot for a state; the same object is returned by every read until the state changes. */
export function snapshotOf(status: SessionStatus, tokens: TokenSet | undefined, refreshAt: number): SessionSnapshot {
  return Object.freeze(
    tokens ? definedOnly({ status, tokens, ...identityOf(tokens), expiresAt: tokens.expiresAt, refreshAt }) : { status },
  );
}
