import { decodeJwt, type JWTPayload } from 'jose';
import { TokenVaultError, toTokenVaultError } from './errors.js';

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

/** The postal address claim of OpenID Connect Core §5.1.1. */
export interface AddressClaim {
  formatted?: string;
  street_address?: string;
  locality?: string;
  region?: string;
  postal_code?: string;
  country?: string;
}

/**
 * The claims an app reads without declaring them: OpenID Connect's standard
 * claims (Core §5.1 and the ID token's, §2) and Amazon Cognito's. Typed as the
 * specifications define them; tokenvault decodes claims, it does not check their types.
 */
export interface StandardClaims extends JWTPayload {
  name?: string;
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  preferred_username?: string;
  profile?: string;
  picture?: string;
  website?: string;
  email?: string;
  email_verified?: boolean;
  gender?: string;
  birthdate?: string;
  zoneinfo?: string;
  locale?: string;
  phone_number?: string;
  phone_number_verified?: boolean;
  address?: AddressClaim;
  updated_at?: number;
  nonce?: string;
  auth_time?: number;
  acr?: string;
  amr?: string[];
  azp?: string;
  sid?: string;
  scope?: string;
  client_id?: string;
  'cognito:groups'?: string[];
  'cognito:username'?: string;
  'cognito:roles'?: string[];
  'cognito:preferred_role'?: string;
  /** Cognito: which token this is. */
  token_use?: 'id' | 'access';
  /** Cognito's access token names the user here. */
  username?: string;
  origin_jti?: string;
}

/**
 * Decoded JWT claims: the standard ones typed, `TCustom`'s typed as the app
 * declares them (`Claims<{ tenant: string }>`), any other one `unknown`.
 */
export type Claims<TCustom extends object = object> = StandardClaims & TCustom & Record<string, unknown>;

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

/**
 * The longest a token set is taken to last: about ten years (Cognito's longest refresh-token
 * lifetime). A provider's "never expires" (`expires_in` 2^31 − 1, or an `exp` centuries away)
 * is cut to this; it is refreshed then, or found expired.
 */
export const MAX_LIFETIME_MS = 3650 * 24 * 3600 * 1000;

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
 * When tokens that arrived at `receivedAt` expire: `expires_in` seconds later, which no device
 * clock skew can spoil, or else after the JWT's `exp` less its `iat` (just `exp` without one).
 * A time that is not finite (`exp: 1e306` overflows) or already past is refused; a lifetime
 * over MAX_LIFETIME_MS is cut to it.
 */
function expiryOf(expiresIn: number, claims: Claims | undefined, receivedAt: number): number {
  const { exp, iat } = claims ?? {};
  if (!expiresIn && typeof exp !== 'number') throw invalidToken('The token response has no expires_in and the access token no exp.');
  const lifetime = expiresIn ? expiresIn * 1000 : exp! * 1000 - (typeof iat === 'number' ? iat * 1000 : receivedAt);
  if (!Number.isFinite(lifetime)) throw invalidToken('The token expiry is not a finite time.');
  if (lifetime <= 0) throw invalidToken('The access token has expired already.');
  return receivedAt + Math.min(lifetime, MAX_LIFETIME_MS);
}

/**
 * Turns an OAuth 2.0 or Cognito token response into a TokenSet, or throws `invalid_token`.
 * See `expiryOf` for when it expires.
 */
export function parseTokenResponse(response: unknown, receivedAt: number, previous?: TokenSet): TokenSet {
  try {
    return parse(response, receivedAt, previous);
  } catch (error) {
    // A getter or proxy that throws is as malformed as a wrong field.
    throw toTokenVaultError(error, 'invalid_token', 'The token response could not be read.');
  }
}

function parse(response: unknown, receivedAt: number, previous?: TokenSet): TokenSet {
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
  // The claim's value is never quoted: a token planted in it would end up in the app's logs.
  for (const [claims, use] of [[accessClaims, 'access'], [idClaims, 'id']] as const) {
    const said = claims?.['token_use'];
    if (said !== undefined && said !== use) throw invalidToken(`The ${use} token's token_use claim is not "${use}".`);
  }
  const expiresAt = expiryOf(expiresIn, accessClaims, receivedAt);

  // A refresh answer without a refresh token means "keep using the one you have";
  // the same goes for the ID token (it still says who the user is) and the scope.
  return definedOnly({
    accessToken,
    idToken: idToken ?? previous?.idToken,
    refreshToken: text('refresh_token') ?? previous?.refreshToken,
    tokenType: text('token_type') ?? 'Bearer',
    scope: (cognito ? undefined : text('scope')) ?? previous?.scope,
    expiresAt,
    receivedAt,
  });
}

/** A copy of `value` without its undefined fields, so that absent stays absent (`in`, JSON, deep equality). */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter((entry) => entry[1] !== undefined)) as T;
}
