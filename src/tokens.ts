import { decodeJwt, type JWTPayload } from 'jose';
import { TokenVaultError } from './errors.js';

/** A token endpoint's answer in OAuth 2.0 shape (RFC 6749 §5.1). */
export interface OAuthTokenResponse {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  expires_in?: number | string;
  token_type?: string;
  scope?: string;
}

/**
 * Cognito's `AuthenticationResult` shape (InitiateAuth, GetTokensFromRefreshToken).
 * Every field is optional, as in the AWS SDK's `AuthenticationResultType`; a
 * result without an access token is refused at run time with `invalid_token`.
 */
export interface CognitoAuthenticationResult {
  AccessToken?: string;
  IdToken?: string;
  RefreshToken?: string;
  ExpiresIn?: number;
  TokenType?: string;
}

/** What `setTokens()` accepts and what a provider's `refresh()` returns. */
export type TokenResponse = OAuthTokenResponse | CognitoAuthenticationResult;

/** Decoded JWT claims. */
export type Claims = JWTPayload & Record<string, unknown>;

/** The live token set held in memory. Times are milliseconds on this device's clock. */
export interface TokenSet {
  readonly accessToken: string;
  readonly idToken?: string;
  readonly refreshToken?: string;
  readonly tokenType: string;
  readonly scope?: string;
  /** When the access token stops working, on this device's clock. */
  readonly expiresAt: number;
  /** When the response arrived, on this device's clock. */
  readonly receivedAt: number;
}

const invalidToken = (message: string, cause?: unknown): TokenVaultError =>
  new TokenVaultError('invalid_token', message, { cause });

/** Decodes a JWT's payload, or returns undefined for an opaque token. Throws on a broken JWT. */
export function decodeClaims(token: string, what: string): Claims | undefined {
  if (token.split('.').length !== 3) return undefined;
  try {
    return decodeJwt(token) as Claims;
  } catch (cause) {
    throw invalidToken(`The ${what} is a malformed JWT.`, cause);
  }
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw invalidToken(`The ${field} is not a non-empty string.`);
  return value;
}

function lifetimeSeconds(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const seconds = typeof value === 'string' ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw invalidToken('expires_in is not a positive number.');
  }
  return seconds;
}

function checkTokenUse(claims: Claims | undefined, expected: 'id' | 'access', what: string): void {
  const use = claims?.['token_use'];
  if (use !== undefined && use !== expected) throw invalidToken(`The ${what} has token_use "${String(use)}", not "${expected}".`);
}

/**
 * Turns an OAuth 2.0 or Cognito token response into a TokenSet.
 *
 * Expiry comes from `expires_in` counted from `receivedAt`, which no device
 * clock skew can spoil. Without it, the JWT's `exp` is used, corrected by the
 * skew between its `iat` and the arrival time.
 */
export function parseTokenResponse(response: unknown, receivedAt: number, previous?: TokenSet): TokenSet {
  if (typeof response !== 'object' || response === null) throw invalidToken('The token response is not an object.');
  const r = response as Record<string, unknown>;
  const cognito = 'AccessToken' in r;
  const accessToken = optionalString(cognito ? r['AccessToken'] : r['access_token'], 'access token');
  if (accessToken === undefined) throw invalidToken('The token response has no access token.');
  const idToken = optionalString(cognito ? r['IdToken'] : r['id_token'], 'ID token');
  const refreshToken = optionalString(cognito ? r['RefreshToken'] : r['refresh_token'], 'refresh token');
  const tokenType = optionalString(cognito ? r['TokenType'] : r['token_type'], 'token type') ?? 'Bearer';
  const scope = cognito ? undefined : optionalString(r['scope'], 'scope');
  const expiresIn = lifetimeSeconds(cognito ? r['ExpiresIn'] : r['expires_in']);

  const accessClaims = decodeClaims(accessToken, 'access token');
  const idClaims = idToken === undefined ? undefined : decodeClaims(idToken, 'ID token');
  if (idToken !== undefined && idClaims === undefined) throw invalidToken('The ID token is not a JWT.');
  checkTokenUse(accessClaims, 'access', 'access token');
  checkTokenUse(idClaims, 'id', 'ID token');

  let expiresAt: number;
  if (expiresIn !== undefined) {
    expiresAt = receivedAt + expiresIn * 1000;
  } else if (typeof accessClaims?.exp === 'number') {
    const skew = typeof accessClaims.iat === 'number' ? accessClaims.iat * 1000 - receivedAt : 0;
    expiresAt = accessClaims.exp * 1000 - skew;
  } else {
    throw invalidToken('The access token is opaque and there is no expires_in.');
  }

  // A refresh answer without a refresh token means "keep using the one you have";
  // the same goes for the ID token (it still says who the user is) and the scope.
  return definedOnly({
    accessToken,
    idToken: idToken ?? previous?.idToken,
    refreshToken: refreshToken ?? previous?.refreshToken,
    tokenType,
    scope: scope ?? previous?.scope,
    expiresAt,
    receivedAt,
  });
}

/** A copy of `value` without its undefined fields, so that absent stays absent (`in`, JSON, deep equality). */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter((entry) => entry[1] !== undefined)) as T;
}

/** The claims an app usually wants: the ID token's, else the access token's. */
export function identityClaims(tokens: TokenSet): Claims | undefined {
  if (tokens.idToken !== undefined) return decodeClaims(tokens.idToken, 'ID token');
  return decodeClaims(tokens.accessToken, 'access token');
}

/** Groups from `cognito:groups` or `groups`, always an array. */
export function groupsOf(claims: Claims | undefined, access?: Claims): string[] {
  for (const source of [claims, access]) {
    const value = source?.['cognito:groups'] ?? source?.['groups'];
    if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
    if (typeof value === 'string') return [value];
  }
  return [];
}

/** The user's name: `cognito:username`, `username` or `preferred_username`. */
export function usernameOf(claims: Claims | undefined, access?: Claims): string | undefined {
  for (const source of [claims, access]) {
    for (const key of ['cognito:username', 'username', 'preferred_username']) {
      const value = source?.[key];
      if (typeof value === 'string') return value;
    }
  }
  return undefined;
}
