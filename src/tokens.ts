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

/**
 * Turns an OAuth 2.0 or Cognito token response into a TokenSet.
 *
 * Expiry comes from `expires_in` counted from `receivedAt`, which no device
 * clock skew can spoil. Without it, the JWT's `exp` is used, corrected by the
 * skew between its `iat` and the arrival time.
 */
export function parseTokenResponse(response: unknown, receivedAt: number, previous?: TokenSet): TokenSet {
  if (typeof response !== 'object' || !response) throw invalidToken('The token response is not an object.');
  const r = response as Record<string, unknown>;
  const cognito = 'AccessToken' in r;
  // A field by its OAuth 2.0 name; in a Cognito result by the same name in PascalCase (`id_token`: `IdToken`).
  const field = (name: string): unknown => r[cognito ? name.replace(/(?:^|_)(\w)/g, (_, c: string) => c.toUpperCase()) : name];
  const text = (name: string, required?: boolean): string | undefined => {
    const value = field(name);
    if (value == null && !required) return undefined;
    if (typeof value !== 'string' || !value) throw invalidToken(`The ${name} is not a non-empty string.`);
    return value;
  };
  const accessToken = text('access_token', true)!;
  const idToken = text('id_token');
  // A number or a numeric string; absent or '' means the access token's exp says.
  const lifetime = field('expires_in');
  const expiresIn = lifetime == null || lifetime === '' ? 0 : typeof lifetime === 'number' || typeof lifetime === 'string' ? +lifetime || NaN : NaN;
  if (!(expiresIn >= 0 && expiresIn < Infinity)) throw invalidToken('The expires_in is not a positive number.');

  const accessClaims = decodeClaims(accessToken, 'access token');
  const idClaims = idToken ? decodeClaims(idToken, 'ID token') : {};
  if (!idClaims) throw invalidToken('The ID token is not a JWT.');
  // Cognito names each token's use: an ID token where the access token belongs is refused.
  for (const [claims, use] of [[accessClaims, 'access'], [idClaims, 'id']] as const) {
    const said = claims?.['token_use'];
    if (said !== undefined && said !== use) throw invalidToken(`The ${use} token has token_use "${said}".`);
  }
  const { exp, iat } = accessClaims ?? {};
  if (!expiresIn && typeof exp !== 'number') throw invalidToken('The token response has no expires_in and the access token no exp.');

  // A refresh answer without a refresh token means "keep using the one you have";
  // the same goes for the ID token (it still says who the user is) and the scope.
  return definedOnly({
    accessToken,
    idToken: idToken ?? previous?.idToken,
    refreshToken: text('refresh_token') ?? previous?.refreshToken,
    tokenType: text('token_type') ?? 'Bearer',
    scope: (cognito ? undefined : text('scope')) ?? previous?.scope,
    expiresAt: expiresIn ? receivedAt + expiresIn * 1000 : exp! * 1000 - (typeof iat === 'number' ? iat * 1000 - receivedAt : 0),
    receivedAt,
  });
}

/** A copy of `value` without its undefined fields, so that absent stays absent (`in`, JSON, deep equality). */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter((entry) => entry[1] !== undefined)) as T;
}
