import { TokenVaultError, type ErrorCode } from '../errors.js';
import { definedOnly, type CognitoAuthenticationResult } from '../tokens.js';
import { isRegion, regionOfPool, serviceOrigin } from './cognito-pool.js';
import { answerError, fetchOf, parseUrl, safeText, send, type ProviderAnswer } from './http.js';
import { oauth2, type OAuth2Provider } from './oauth2.js';
import type { FetchLike, Provider, ProviderCallOptions } from './types.js';

/**
 * Options of the Amazon Cognito user-pool provider.
 *
 * There is deliberately no `clientSecret`: a browser cannot keep one, and an
 * app client with a secret needs a `SECRET_HASH` on every call. Use a public
 * app client (no secret) for single-page apps.
 */
export interface CognitoOptions {
  /** The AWS region of the user pool, e.g. `eu-west-1`. Read from `userPoolId` when omitted. */
  region?: string;
  /** The app client's id (a public client, without a secret). */
  clientId: string;
  /** The user pool's id, e.g. `eu-west-1_AbCdEf123`; gives `issuer` and `jwksUri` for verification. */
  userPoolId?: string;
  /** The user-pool API URL, for emulators and proxies. Default: `https://cognito-idp.{region}.amazonaws.com/`. */
  endpoint?: string;
  /** The app client has refresh-token rotation on: refresh with `GetTokensFromRefreshToken`. */
  rotation?: boolean;
  /**
   * The managed-login (hosted UI) domain, e.g. `auth.example.com` or
   * `my-app.auth.eu-west-1.amazoncognito.com` (an `https://` origin is accepted too).
   * When set, refresh and revocation go through its `/oauth2/token` and `/oauth2/revoke`.
   */
  domain?: string;
  /** The device key of a remembered device (device tracking), or a function that looks it up at refresh time. */
  deviceKey?: string | (() => string | undefined);
  /** A fetch to use instead of the global one. */
  fetch?: FetchLike;
}

/** The managed-login endpoints of a Cognito domain, and the OAuth 2.0 provider that talks to them. */
export interface CognitoManagedLogin {
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  /** The `oauth2()` provider behind refresh and revocation; hand it to the PKCE sign-in helper. */
  readonly oauth2: OAuth2Provider;
}

/** The Cognito provider object: a `Provider` plus what a verifier or sign-in helper needs to know. */
export interface CognitoProvider extends Provider {
  readonly options: Readonly<CognitoOptions>;
  /** The user-pool API URL that refresh and revocation post to (unused with `domain`). */
  readonly endpoint: string | undefined;
  /** The pool's token issuer, when `userPoolId` and a region are known. */
  readonly issuer: string | undefined;
  /** The pool's JWKS URL, when `issuer` is known. */
  readonly jwksUri: string | undefined;
  /** Present when `domain` is set. */
  readonly managedLogin: CognitoManagedLogin | undefined;
}

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

/** Cognito errors that mean the refresh token will never work again. */
const DEAD_GRANT = new Set([
  'NotAuthorizedException', // invalid, expired or revoked refresh token; disabled user
  'RefreshTokenReuseException', // rotated out, outside the grace period
  'UserNotFoundException', // the user was deleted (pools without PreventUserExistenceErrors)
]);
const RETRY_LATER: ReadonlyMap<string, ErrorCode> = new Map([
  ['TooManyRequestsException', 'rate_limited'],
  ['InternalErrorException', 'server_error'],
]);

function invalidConfig(message: string): TokenVaultError {
  return new TokenVaultError('invalid_config', `cognito(): ${message}`);
}

function checkUrl(value: string, name: string): string {
  const url = parseUrl(value, `cognito(): ${name}`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidConfig(`${name} must be an http(s) URL.`);
  return value;
}

/** `auth.example.com` or `https://auth.example.com/` → `https://auth.example.com`. */
function domainOrigin(domain: string): string {
  const withScheme = /^https?:\/\//i.test(domain) ? domain : `https://${domain}`;
  const url = new URL(checkUrl(withScheme, 'domain'));
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') throw invalidConfig('domain must be a host name.');
  return url.origin;
}

/** Reads Cognito's error name from the body or the `x-amzn-ErrorType` header, without any `prefix#`. */
function errorTypeOf(answer: ProviderAnswer): string | undefined {
  const body = answer.body as Record<string, unknown> | undefined;
  const raw =
    (typeof body === 'object' && body !== null && typeof body['__type'] === 'string' ? body['__type'] : undefined) ??
    answer.headers.get('x-amzn-errortype')?.split(':')[0];
  if (raw === undefined || raw === '') return undefined;
  return raw.slice(raw.lastIndexOf('#') + 1);
}

/** Maps a Cognito error answer (`{"__type", "message"}`) to a TokenVaultError; `secrets` are never repeated. */
function cognitoError(answer: ProviderAnswer, operation: string, secrets: readonly string[]): TokenVaultError {
  const body = answer.body as Record<string, unknown> | undefined;
  const rawMessage = typeof body === 'object' && body !== null ? (body['message'] ?? body['Message']) : undefined;
  const providerCode = safeText(errorTypeOf(answer), secrets, 80);
  const code = providerCode === undefined ? undefined : DEAD_GRANT.has(providerCode) ? 'invalid_grant' : RETRY_LATER.get(providerCode);
  return answerError(answer, `Cognito ${operation}`, code, providerCode, safeText(rawMessage, secrets));
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** Keeps the token fields of an `AuthenticationResult` and drops the rest (`NewDeviceMetadata`). */
function authenticationResultOf(answer: ProviderAnswer, operation: string): CognitoAuthenticationResult {
  const body = answer.body as Record<string, unknown> | undefined;
  const result = typeof body === 'object' && body !== null ? body['AuthenticationResult'] : undefined;
  if (typeof result !== 'object' || result === null || !isNonEmptyString((result as Record<string, unknown>)['AccessToken'])) {
    const challenge = typeof body === 'object' && body !== null ? safeText(body['ChallengeName'], [], 60) : undefined;
    throw new TokenVaultError(
      'invalid_response',
      `Cognito ${operation} answered without an AuthenticationResult${challenge ? ` (challenge ${challenge})` : ''}.`,
      { status: answer.status },
    );
  }
  const r = result as Record<string, unknown>;
  const text = (key: string): string | undefined => (isNonEmptyString(r[key]) ? r[key] : undefined);
  return definedOnly({
    AccessToken: r['AccessToken'] as string,
    IdToken: text('IdToken'),
    RefreshToken: text('RefreshToken'),
    ExpiresIn: typeof r['ExpiresIn'] === 'number' ? r['ExpiresIn'] : undefined,
    TokenType: text('TokenType'),
  });
}

function managedLoginOf(options: CognitoOptions): CognitoManagedLogin {
  const origin = domainOrigin(options.domain as string);
  const tokenEndpoint = `${origin}/oauth2/token`;
  const revocationEndpoint = `${origin}/oauth2/revoke`;
  return {
    authorizationEndpoint: `${origin}/oauth2/authorize`,
    tokenEndpoint,
    revocationEndpoint,
    oauth2: oauth2({
      tokenEndpoint,
      revocationEndpoint,
      clientId: options.clientId,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    }),
  };
}

/**
 * Amazon Cognito: refresh with `InitiateAuth` `REFRESH_TOKEN_AUTH` (or
 * `GetTokensFromRefreshToken` when `rotation` is on) and revoke with
 * `RevokeToken`, or use the managed-login `/oauth2/*` endpoints when `domain` is set.
 */
export function cognito(options: CognitoOptions): CognitoProvider {
  if (typeof options?.clientId !== 'string' || options.clientId === '') throw invalidConfig('clientId is required.');
  if ('clientSecret' in options) throw invalidConfig('clientSecret is not supported: a browser cannot keep it secret.');
  const { userPoolId } = options;
  const poolRegion = userPoolId === undefined ? undefined : regionOfPool(userPoolId);
  if (userPoolId !== undefined && poolRegion === undefined) throw invalidConfig('userPoolId is not of the form region_id.');
  const region = options.region ?? poolRegion;
  if (region !== undefined && !isRegion(region)) throw invalidConfig('region is not an AWS region name.');
  if (options.region !== undefined && poolRegion !== undefined && options.region !== poolRegion) {
    throw invalidConfig('region and userPoolId name different regions.');
  }

  const managedLogin = options.domain === undefined ? undefined : managedLoginOf(options);
  const endpoint =
    options.endpoint !== undefined
      ? checkUrl(options.endpoint, 'endpoint')
      : region !== undefined
        ? `${serviceOrigin(region)}/`
        : undefined;
  if (endpoint === undefined && managedLogin === undefined) throw invalidConfig('give region (or userPoolId), endpoint or domain.');
  const issuer =
    region !== undefined && userPoolId !== undefined ? `${serviceOrigin(region)}/${userPoolId}` : undefined;
  const getFetch = fetchOf(options.fetch);

  async function call(operation: string, body: Record<string, unknown>, secret: string, signal?: AbortSignal): Promise<ProviderAnswer> {
    const answer = await send(
      getFetch(),
      endpoint as string,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': TARGET_PREFIX + operation },
        body: JSON.stringify(body),
      },
      signal,
    );
    if (answer.status < 200 || answer.status >= 300) throw cognitoError(answer, operation, [secret]);
    return answer;
  }

  function deviceKey(): string | undefined {
    const key = typeof options.deviceKey === 'function' ? options.deviceKey() : options.deviceKey;
    return key === '' ? undefined : key;
  }

  async function refreshWithApi(refreshToken: string, signal?: AbortSignal): Promise<CognitoAuthenticationResult> {
    const device = deviceKey();
    if (options.rotation) {
      const body = { ClientId: options.clientId, RefreshToken: refreshToken, ...(device ? { DeviceKey: device } : {}) };
      return authenticationResultOf(await call('GetTokensFromRefreshToken', body, refreshToken, signal), 'GetTokensFromRefreshToken');
    }
    const body = {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: options.clientId,
      AuthParameters: { REFRESH_TOKEN: refreshToken, ...(device ? { DEVICE_KEY: device } : {}) },
    };
    return authenticationResultOf(await call('InitiateAuth', body, refreshToken, signal), 'InitiateAuth');
  }

  return {
    options,
    endpoint: managedLogin === undefined ? endpoint : undefined,
    issuer,
    jwksUri: issuer === undefined ? undefined : `${issuer}/.well-known/jwks.json`,
    managedLogin,
    refresh(refreshToken: string, callOptions?: ProviderCallOptions) {
      if (managedLogin !== undefined) return managedLogin.oauth2.refresh(refreshToken, callOptions);
      return refreshWithApi(refreshToken, callOptions?.signal);
    },
    async revoke(refreshToken: string, callOptions?: ProviderCallOptions): Promise<void> {
      if (managedLogin !== undefined) return managedLogin.oauth2.revoke?.(refreshToken, callOptions);
      await call('RevokeToken', { ClientId: options.clientId, Token: refreshToken }, refreshToken, callOptions?.signal);
    },
  };
}
