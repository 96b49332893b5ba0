import { TokenVaultError, type ErrorCode } from '../errors.js';
import type { CognitoAuthenticationResult } from '../tokens.js';
import { isRegion, poolPrefix, regionOfPool, serviceOrigin } from './cognito-pool.js';
import { errorFromAnswer, send, providerWords, type ProviderAnswer } from './http.js';
import { requireOption, urlOption } from './options.js';
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
  /** The AWS region of the user pool, e.g. `eu-west-1`. Read from `userPoolId` when omitted. Any name with `endpoint` (an emulator's `local`). */
  region?: string | undefined;
  /** The app client's id (a public client, without a secret). */
  clientId: string;
  /** The user pool's id, e.g. `eu-west-1_AbCdEf123`; gives `issuer` and `jwksUri` for verification. Any `name_id` with `endpoint`. */
  userPoolId?: string | undefined;
  /** The user-pool API URL, for emulators and proxies. Default: `https://cognito-idp.{region}.amazonaws.com/`. */
  endpoint?: string | undefined;
  /** The app client has refresh-token rotation on: refresh with `GetTokensFromRefreshToken`. */
  rotation?: boolean | undefined;
  /**
   * The managed-login (hosted UI) domain, e.g. `auth.example.com` or
   * `my-app.auth.eu-west-1.amazoncognito.com` (an `https://` origin is accepted too).
   * When set, refresh and revocation go through its `/oauth2/token` and `/oauth2/revoke`.
   */
  domain?: string | undefined;
  /** The device key of a remembered device (device tracking), or a function that looks it up at refresh time. */
  deviceKey?: string | (() => string | undefined) | undefined;
  /** A fetch to use instead of the global one. */
  fetch?: FetchLike | undefined;
  /** Cognito issues no DPoP-bound tokens (RFC 9449): `dpop: true` is refused with `invalid_config`. */
  dpop?: false | undefined;
  /** Allows a plain http: `endpoint` or `domain` on hosts other than this machine: tokens then cross the network unencrypted. For development networks only. */
  dangerouslyAllowInsecureHttp?: boolean | undefined;
}

/** The managed-login endpoints of a Cognito domain, and the OAuth 2.0 provider that talks to them. */
export interface CognitoManagedLogin {
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  /** `https://{domain}/logout`: ends the managed-login session (`endSessionUrl()`). */
  readonly logoutEndpoint: string;
  /** The `oauth2()` provider behind refresh and revocation; hand it to the PKCE sign-in helper. */
  readonly oauth2: OAuth2Provider;
}

/** The Cognito provider object: a `Provider` plus what a verifier or sign-in helper needs to know. */
export interface CognitoProvider extends Provider {
  readonly options: Readonly<CognitoOptions>;
  /** The user-pool API URL that refresh and revocation post to (unused with `domain`). */
  readonly endpoint: string | undefined;
  /** The pool's token issuer, when `userPoolId` and an AWS region are known (an emulator's: give it to the verifier yourself). */
  readonly issuer: string | undefined;
  /** The pool's JWKS URL, when `issuer` is known. */
  readonly jwksUri: string | undefined;
  /** Present when `domain` is set. */
  readonly managedLogin: CognitoManagedLogin | undefined;
}

/** What a Cognito error name at a 4xx means when it says more than the HTTP status. */
const codeOf = (name: string | undefined, status: number): ErrorCode | undefined =>
  // The refresh token is invalid, expired or revoked, or the user disabled (NotAuthorized); rotated out of
  // its grace period (RefreshTokenReuse); or the user deleted (UserNotFound, without PreventUserExistenceErrors).
  // Cognito says so with a 400; the same name at another status does not end a session.
  /^(NotAuthorized|RefreshTokenReuse|UserNotFound)Exception$/.test(name!)
    ? status == 400
      ? 'invalid_grant'
      : undefined
    : name == 'TooManyRequestsException'
      ? 'rate_limited'
      : name == 'InternalErrorException'
        ? 'server_error'
        : undefined;

/**
 * Amazon Cognito: refresh with `InitiateAuth` `REFRESH_TOKEN_AUTH` (or
 * `GetTokensFromRefreshToken` when `rotation` is on) and revoke with
 * `RevokeToken`, or use the managed-login `/oauth2/*` endpoints when `domain` is set.
 */
export function cognito(options: CognitoOptions): CognitoProvider {
  const { clientId, userPoolId, domain, fetch } = options ?? {};
  requireOption(typeof clientId == 'string' && clientId, 'cognito(): clientId is required.');
  requireOption(!('clientSecret' in options), 'cognito(): clientSecret cannot be kept secret in a browser.');
  requireOption(!options.dpop, 'cognito(): Amazon Cognito issues no DPoP-bound tokens; dpop: true cannot be honoured.');
  const rules = { insecureHttp: options.dangerouslyAllowInsecureHttp };
  // Without an endpoint, region and pool id become an AWS host name and must look like AWS's own;
  // an emulator or proxy behind `endpoint` may name them as it likes (cognito-local: `local_…`).
  const loose = options.endpoint !== undefined;
  const poolRegion = typeof userPoolId == 'string' ? (loose ? poolPrefix : regionOfPool)(userPoolId) : undefined;
  requireOption(userPoolId === undefined || poolRegion, `cognito(): userPoolId is not of the form ${loose ? 'name' : 'region'}_id.`);
  const region = options.region ?? poolRegion;
  requireOption(
    region === undefined || (typeof region == 'string' && (loose ? region : isRegion(region))),
    'cognito(): region is not an AWS region name.',
  );
  requireOption(poolRegion === undefined || region === poolRegion, 'cognito(): region and userPoolId name different regions.');

  let managedLogin: CognitoManagedLogin | undefined;
  if (domain !== undefined) {
    // `auth.example.com` or `https://auth.example.com/` → `https://auth.example.com`.
    // Its scheme, if it has one, is http(s) or it does not end up a host name.
    const url = urlOption(/^https?:\/\//i.test(domain) ? domain : `https://${domain}`, 'cognito(): domain', rules);
    requireOption(url.href == `${url.origin}/`, 'cognito(): domain must be a host name.');
    const endpoints = {
      authorizationEndpoint: `${url.origin}/oauth2/authorize`,
      tokenEndpoint: `${url.origin}/oauth2/token`,
      revocationEndpoint: `${url.origin}/oauth2/revoke`,
    };
    const { dangerouslyAllowInsecureHttp } = options;
    managedLogin = {
      ...endpoints,
      logoutEndpoint: `${url.origin}/logout`,
      oauth2: oauth2({ ...endpoints, clientId, fetch, dangerouslyAllowInsecureHttp }),
    };
  }
  let { endpoint } = options;
  if (endpoint === undefined) endpoint = region && `${serviceOrigin(region)}/`;
  else urlOption(endpoint, 'cognito(): endpoint', rules);
  requireOption(endpoint || managedLogin, 'cognito(): give region (or userPoolId), endpoint or domain.');
  const issuer = region && isRegion(region) && userPoolId ? `${serviceOrigin(region)}/${userPoolId}` : undefined;

  /** Posts one user-pool API operation; a errorFromAnswer becomes the error its `__type` names, without `token`. */
  async function call(operation: string, body: object, token: string, signal?: AbortSignal): Promise<ProviderAnswer> {
    const answer = await send(
      fetch,
      endpoint!,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}` },
        body: JSON.stringify(body),
        // A 307 would carry the refresh token in the body on to wherever it points: not followed.
        redirect: 'manual',
      },
      signal,
    );
    const { data: said, headers } = answer;
    if (!answer.ok) {
      // The error name is in the body or the x-amzn-ErrorType header, maybe as `prefix#Name`
      // (without either, errorFromAnswer() falls back to OAuth 2.0's `error`, which Cognito does not send).
      const type = typeof said['__type'] == 'string' ? said['__type'] : headers.get('x-amzn-errortype')?.split(':')[0];
      const name = type?.split('#').pop();
      throw errorFromAnswer(answer, { what: `Cognito ${operation}`, secrets: [token], codeOf, name, description: said['message'] ?? said['Message'] });
    }
    return answer;
  }

  async function refresh(token: string, callOptions?: ProviderCallOptions): Promise<CognitoAuthenticationResult> {
    const key = typeof options.deviceKey == 'function' ? options.deviceKey() : options.deviceKey;
    // JSON.stringify leaves out an undefined DeviceKey or DEVICE_KEY.
    const device = key || undefined;
    const operation = options.rotation ? 'GetTokensFromRefreshToken' : 'InitiateAuth';
    const { data: body, status } = await call(
      operation,
      options.rotation
        ? { ClientId: clientId, RefreshToken: token, DeviceKey: device }
        : { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: token, DEVICE_KEY: device } },
      token,
      callOptions?.signal,
    );
    // Keep the token fields of the AuthenticationResult and drop the rest (NewDeviceMetadata).
    const given = Object(body['AuthenticationResult']) as Record<string, unknown>;
    const result: Record<string, unknown> = {};
    for (const field of ['AccessToken', 'IdToken', 'RefreshToken', 'TokenType', 'ExpiresIn']) {
      const value = given[field];
      if (typeof value == (field == 'ExpiresIn' ? 'number' : 'string') && value !== '') result[field] = value;
    }
    if (!result['AccessToken']) {
      // A challenge (MFA, new password) instead of tokens: say which.
      throw new TokenVaultError('invalid_response', `Cognito ${operation} got no AuthenticationResult${providerWords(body['ChallengeName'], undefined, [token])[1]}.`, {
        status,
      });
    }
    return result;
  }

  return {
    options,
    endpoint: managedLogin ? undefined : endpoint,
    issuer,
    jwksUri: issuer && `${issuer}/.well-known/jwks.json`,
    managedLogin,
    refresh: managedLogin?.oauth2.refresh ?? refresh,
    revoke:
      managedLogin?.oauth2.revoke ??
      (async (token, callOptions) => {
        await call('RevokeToken', { ClientId: clientId, Token: token }, token, callOptions?.signal);
      }),
  };
}
