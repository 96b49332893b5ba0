import { base64url } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { TokenVaultError } from '../../src/errors.js';
import { cognito, type CognitoOptions } from '../../src/providers/cognito.js';
import { beginSignIn, completeSignIn } from '../../src/providers/pkce.js';
import type { FetchLike } from '../../src/providers/types.js';
import { parseTokenResponse, type CognitoAuthenticationResult } from '../../src/tokens.js';
import { failure } from '../helpers.js';

// Shapes below follow the Cognito API reference (InitiateAuth, GetTokensFromRefreshToken,
// RevokeToken, "Common Errors") and what cognito-local 5.3 answers.


/** An unsigned JWT-shaped token: the provider and parseTokenResponse only decode, never verify. */
function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown): string => base64url.encode(JSON.stringify(value));
  return `${part({ alg: 'RS256', kid: 'test' })}.${part(payload)}.c2ln`;
}

const NOW = 1_700_000_000;
const accessToken = (extra: Record<string, unknown> = {}): string =>
  jwt({ sub: 'u-1', token_use: 'access', client_id: 'client-1', iat: NOW, exp: NOW + 3600, ...extra });
const idToken = (extra: Record<string, unknown> = {}): string =>
  jwt({ sub: 'u-1', token_use: 'id', aud: 'client-1', iat: NOW, exp: NOW + 3600, 'cognito:username': 'alice', ...extra });
const REFRESH = 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.opaque-refresh-token-body';

interface Sent {
  url: string;
  method: string | undefined;
  headers: Record<string, string>;
  body: string;
}

/** A fetch that records each request and answers from a list (the last answer repeats). */
function fakeFetch(...answers: Array<() => Response | Promise<Response>>): { fetch: FetchLike; sent: Sent[] } {
  const sent: Sent[] = [];
  let i = 0;
  const fetch: FetchLike = async (url, init) => {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries((init.headers ?? {}) as Record<string, string>)) headers[key.toLowerCase()] = value;
    sent.push({ url, method: init.method, headers, body: String(init.body) });
    const answer = answers[Math.min(i++, answers.length - 1)];
    if (answer === undefined) throw new Error('no answer configured');
    return answer();
  };
  return { fetch, sent };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/x-amz-json-1.1', ...headers } });

const okResult = (result: Record<string, unknown>) => json(200, { AuthenticationResult: result, ChallengeParameters: {} });

function provider(fetch: FetchLike, extra: Partial<CognitoOptions> = {}) {
  return cognito({ region: 'eu-west-1', clientId: 'client-1', fetch, ...extra });
}

describe('cognito() configuration', () => {
  it('derives the user-pool API URL, issuer and JWKS from region and userPoolId', () => {
    const p = cognito({ clientId: 'client-1', userPoolId: 'eu-west-1_AbC123' });
    expect(p.endpoint).toBe('https://cognito-idp.eu-west-1.amazonaws.com/');
    expect(p.issuer).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123');
    expect(p.jwksUri).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json');
    expect(p.managedLogin).toBeUndefined();
  });

  it('uses amazonaws.com.cn in the China regions', () => {
    const p = cognito({ clientId: 'client-1', userPoolId: 'cn-north-1_AbC123' });
    expect(p.endpoint).toBe('https://cognito-idp.cn-north-1.amazonaws.com.cn/');
    expect(p.issuer).toBe('https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbC123');
  });

  it('with an endpoint (an emulator or proxy), takes any region name and any pool id of the form name_id', async () => {
    const { fetch, sent } = fakeFetch(okResult({ AccessToken: accessToken() }));
    const endpoint = 'http://127.0.0.1:9229/';
    for (const options of [{ region: 'local' }, { userPoolId: 'local_5J3m3FTx' }, { region: 'local', userPoolId: 'local_AbC123' }]) {
      const p = cognito({ clientId: 'client-1', endpoint, fetch, ...options });
      expect(p.endpoint).toBe(endpoint);
      // cognito-local's issuer is its own (http://127.0.0.1:9229/local_…); the verifier is told it.
      expect(p.issuer).toBeUndefined();
      await p.refresh(REFRESH);
    }
    expect(sent.map((request) => request.url)).toEqual([endpoint, endpoint, endpoint]);
  });

  it('with an endpoint and an AWS region (a proxy), still knows the pool issuer', () => {
    const p = cognito({ clientId: 'client-1', userPoolId: 'eu-west-1_AbC123', endpoint: 'https://proxy.example.com/cognito' });
    expect(p.endpoint).toBe('https://proxy.example.com/cognito');
    expect(p.issuer).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123');
  });

  it.each<[string, Record<string, unknown>]>([
    ['an emulator region without its endpoint', { clientId: 'c', region: 'local' }],
    ['an emulator pool id without its endpoint', { clientId: 'c', userPoolId: 'local_AbC123' }],
    ['a pool id that is not name_id, even with an endpoint', { clientId: 'c', userPoolId: 'nope', endpoint: 'http://127.0.0.1:9229/' }],
    ['an empty region, even with an endpoint', { clientId: 'c', region: '', endpoint: 'http://127.0.0.1:9229/' }],
    ['a region and pool id disagreeing, even with an endpoint', { clientId: 'c', region: 'local', userPoolId: 'eu-west-1_AbC', endpoint: 'http://127.0.0.1:9229/' }],
    ['no clientId', { region: 'eu-west-1' }],
    ['no region, endpoint or domain', { clientId: 'c' }],
    ['a region that could change the host name', { clientId: 'c', region: 'evil.example.com/#' }],
    ['a malformed userPoolId', { clientId: 'c', userPoolId: 'nope' }],
    ['region and userPoolId disagreeing', { clientId: 'c', region: 'us-east-1', userPoolId: 'eu-west-1_AbC' }],
    ['a relative endpoint', { clientId: 'c', endpoint: '/cognito' }],
    ['a domain with a path', { clientId: 'c', domain: 'auth.example.com/oauth2' }],
    ['a clientSecret', { clientId: 'c', region: 'eu-west-1', clientSecret: 's3cret' }],
  ])('rejects %s with invalid_config', (_, options) => {
    expect(() => cognito(options as unknown as CognitoOptions)).toThrow(
      expect.objectContaining({ code: 'invalid_config' }) as Error,
    );
  });
});

describe('refresh through InitiateAuth REFRESH_TOKEN_AUTH', () => {
  it('posts the documented request to the regional endpoint', async () => {
    const { fetch, sent } = fakeFetch(okResult({ AccessToken: accessToken(), IdToken: idToken(), ExpiresIn: 3600, TokenType: 'Bearer' }));
    await provider(fetch).refresh(REFRESH);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      url: 'https://cognito-idp.eu-west-1.amazonaws.com/',
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
      },
    });
    expect(JSON.parse(sent[0]!.body)).toEqual({
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: 'client-1',
      AuthParameters: { REFRESH_TOKEN: REFRESH },
    });
  });

  it('returns the AuthenticationResult tokens and drops the rest', async () => {
    const result = { AccessToken: accessToken(), IdToken: idToken(), ExpiresIn: 3600, TokenType: 'Bearer' };
    const { fetch } = fakeFetch(
      json(200, {
        AuthenticationResult: { ...result, NewDeviceMetadata: { DeviceKey: 'k', DeviceGroupKey: 'g' } },
        ChallengeParameters: {},
      }),
    );
    expect(await provider(fetch).refresh(REFRESH)).toEqual(result);
  });

  it('sends DEVICE_KEY when the app gives one, as a string or looked up at refresh time', async () => {
    const { fetch, sent } = fakeFetch(okResult({ AccessToken: accessToken(), ExpiresIn: 3600 }));
    await provider(fetch, { deviceKey: 'eu-west-1_device-1' }).refresh(REFRESH);
    let key: string | undefined = 'eu-west-1_device-2';
    const lazy = provider(fetch, { deviceKey: () => key });
    await lazy.refresh(REFRESH);
    key = undefined;
    await lazy.refresh(REFRESH);
    expect(sent.map((s) => (JSON.parse(s.body) as { AuthParameters: unknown }).AuthParameters)).toEqual([
      { REFRESH_TOKEN: REFRESH, DEVICE_KEY: 'eu-west-1_device-1' },
      { REFRESH_TOKEN: REFRESH, DEVICE_KEY: 'eu-west-1_device-2' },
      { REFRESH_TOKEN: REFRESH },
    ]);
  });

  it('posts to `endpoint` when given (emulators, proxies)', async () => {
    const { fetch, sent } = fakeFetch(okResult({ AccessToken: accessToken() }));
    await provider(fetch, { endpoint: 'http://127.0.0.1:9229/' }).refresh(REFRESH);
    expect(sent[0]!.url).toBe('http://127.0.0.1:9229/');
  });

  it('omits credentials and cache, and passes an abort signal', async () => {
    const spy = vi.fn<FetchLike>(async () => okResult({ AccessToken: accessToken() })());
    await provider(spy).refresh(REFRESH);
    const init = spy.mock.calls[0]![1];
    expect(init).toMatchObject({ credentials: 'omit', cache: 'no-store' });
    expect(init.signal).toBeInstanceOf(AbortSignal);
  });

  it('becomes `aborted` when the session abandons the call', async () => {
    const controller = new AbortController();
    const fetch: FetchLike = (_url, init) =>
      new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const pending = provider(fetch).refresh(REFRESH, { signal: controller.signal });
    controller.abort();
    expect((await failure(pending)).code).toBe('aborted');
  });
});

describe('refresh with rotation through GetTokensFromRefreshToken', () => {
  it('posts the documented request and returns the new refresh token', async () => {
    const result = { AccessToken: accessToken(), IdToken: idToken(), RefreshToken: 'new-refresh', ExpiresIn: 300, TokenType: 'Bearer' };
    const { fetch, sent } = fakeFetch(okResult(result));
    expect(await provider(fetch, { rotation: true, deviceKey: 'dev-1' }).refresh(REFRESH)).toEqual(result);
    expect(sent[0]!.headers['x-amz-target']).toBe('AWSCognitoIdentityProviderService.GetTokensFromRefreshToken');
    expect(JSON.parse(sent[0]!.body)).toEqual({ ClientId: 'client-1', RefreshToken: REFRESH, DeviceKey: 'dev-1' });
  });

  it('maps RefreshTokenReuseException (a rotated-out token) to invalid_grant', async () => {
    const { fetch } = fakeFetch(
      json(400, { __type: 'RefreshTokenReuseException', message: 'Refresh token has been reused' }),
    );
    const error = await failure(provider(fetch, { rotation: true }).refresh(REFRESH));
    expect(error).toMatchObject({ code: 'invalid_grant', providerCode: 'RefreshTokenReuseException', status: 400 });
    expect(error.retryable).toBe(false);
  });
});

describe('RevokeToken', () => {
  it('posts {ClientId, Token} and accepts 200 {}', async () => {
    const { fetch, sent } = fakeFetch(json(200, {}));
    await provider(fetch).revoke!(REFRESH);
    expect(sent[0]!.headers['x-amz-target']).toBe('AWSCognitoIdentityProviderService.RevokeToken');
    expect(sent[0]!.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(sent[0]!.body)).toEqual({ ClientId: 'client-1', Token: REFRESH });
  });

  it('reports a client without EnableTokenRevocation as provider_error', async () => {
    const { fetch } = fakeFetch(
      json(400, { __type: 'UnsupportedOperationException', message: 'Token revocation is not enabled for this client.' }),
    );
    const error = await failure(provider(fetch).revoke!(REFRESH));
    expect(error).toMatchObject({ code: 'provider_error', providerCode: 'UnsupportedOperationException' });
    expect(error.message).toContain('Token revocation is not enabled');
  });
});

describe('errors', () => {
  it.each<[string, number, string, string, boolean]>([
    ['NotAuthorizedException', 400, 'Refresh Token has been revoked', 'invalid_grant', false],
    ['NotAuthorizedException', 400, 'Refresh Token has expired', 'invalid_grant', false],
    ['RefreshTokenReuseException', 400, 'Refresh token reuse detected', 'invalid_grant', false],
    ['UserNotFoundException', 400, 'User does not exist.', 'invalid_grant', false],
    ['TooManyRequestsException', 400, 'Rate exceeded', 'rate_limited', true],
    ['InternalErrorException', 500, 'Internal error', 'server_error', true],
    ['InvalidParameterException', 400, 'Missing required parameter REFRESH_TOKEN', 'provider_error', false],
    ['ResourceNotFoundException', 400, 'User pool client abc does not exist.', 'provider_error', false],
    ['ForbiddenException', 403, 'Request not allowed due to WAF block.', 'provider_error', false],
  ])('%s (HTTP %i, "%s") → %s', async (type, status, message, code, retryable) => {
    const { fetch } = fakeFetch(json(status, { __type: type, message }));
    const error = await failure(provider(fetch).refresh(REFRESH));
    expect(error).toMatchObject({ code, providerCode: type, status });
    expect(error.retryable).toBe(retryable);
    expect(error.message).toBe(`Cognito InitiateAuth failed with HTTP ${status} (${type}: ${message}).`);
  });

  it('an error type named like an Object property is just a provider_error', async () => {
    const { fetch } = fakeFetch(json(400, { __type: 'constructor', message: 'odd' }));
    expect(await failure(provider(fetch).refresh(REFRESH))).toMatchObject({ code: 'provider_error', providerCode: 'constructor' });
  });

  it('strips the namespace prefix of __type', async () => {
    const { fetch } = fakeFetch(
      json(400, { __type: 'com.amazonaws.cognito.identity.idp.model#NotAuthorizedException', message: 'Invalid Refresh Token' }),
    );
    expect(await failure(provider(fetch).refresh(REFRESH))).toMatchObject({
      code: 'invalid_grant',
      providerCode: 'NotAuthorizedException',
    });
  });

  it('reads the error type from x-amzn-ErrorType when the body has none', async () => {
    const { fetch } = fakeFetch(
      json(400, { message: 'Rate exceeded' }, { 'x-amzn-ErrorType': 'TooManyRequestsException:http://internal.amazon.com/' }),
    );
    expect(await failure(provider(fetch).refresh(REFRESH))).toMatchObject({
      code: 'rate_limited',
      providerCode: 'TooManyRequestsException',
    });
  });

  it('keeps Retry-After when given', async () => {
    const { fetch } = fakeFetch(json(400, { __type: 'TooManyRequestsException' }, { 'Retry-After': '7' }));
    expect(await failure(provider(fetch).refresh(REFRESH))).toMatchObject({ code: 'rate_limited', retryAfter: 7 });
  });

  it.each([500, 502, 503, 504])('HTTP %i without a Cognito body → server_error (retried)', async (status) => {
    const { fetch } = fakeFetch(() => new Response('<html>Bad Gateway</html>', { status }));
    const error = await failure(provider(fetch).refresh(REFRESH));
    expect(error).toMatchObject({ code: 'server_error', status });
    expect(error.providerCode).toBeUndefined();
    expect(error.retryable).toBe(true);
  });

  it.each<[number, string]>([
    [500, 'server_error'],
    [503, 'server_error'],
    [301, 'invalid_response'],
    [403, 'provider_error'],
    [401, 'provider_error'],
  ])('NotAuthorizedException at HTTP %i is %s: only a 400 ends a session', async (status, code) => {
    const { fetch } = fakeFetch(json(status, { __type: 'NotAuthorizedException', message: 'Refresh Token has been revoked' }));
    expect(await failure(provider(fetch).refresh(REFRESH))).toMatchObject({ code, status });
  });

  it('does not follow a redirect, which would carry the refresh token on in the body', async () => {
    const spy = vi.fn<FetchLike>(async () => okResult({ AccessToken: accessToken() })());
    await provider(spy).refresh(REFRESH);
    expect(spy.mock.calls[0]![1].redirect).toBe('manual');
  });

  it('never repeats a piece of the refresh token Cognito echoes, in its message or a challenge name', async () => {
    const piece = REFRESH.slice(0, 32);
    const { fetch } = fakeFetch(
      json(400, { __type: 'InvalidParameterException', message: `Bad token ${piece}...` }),
      json(200, { ChallengeName: `MFA_${REFRESH.slice(-30)}` }),
    );
    const p = provider(fetch);
    expect((await failure(p.refresh(REFRESH))).message).toBe('Cognito InitiateAuth failed with HTTP 400 (InvalidParameterException: Bad token [redacted]...).');
    expect((await failure(p.refresh(REFRESH))).message).toBe('Cognito InitiateAuth got no AuthenticationResult (MFA_[redacted]).');
  });

  it('cognito-local\'s 500 CognitoLocal#Unsupported is a server_error named Unsupported', async () => {
    const { fetch } = fakeFetch(json(500, { __type: 'CognitoLocal#Unsupported', message: 'GetTokensFromRefreshToken' }));
    expect(await failure(provider(fetch, { rotation: true }).refresh(REFRESH))).toMatchObject({
      code: 'server_error',
      providerCode: 'Unsupported',
    });
  });

  it('a network failure → network (retried)', async () => {
    const fetch: FetchLike = () => Promise.reject(new TypeError('Failed to fetch'));
    const error = await failure(provider(fetch).refresh(REFRESH));
    expect(error.code).toBe('network');
    expect(error.retryable).toBe(true);
  });

  it('never repeats the refresh token, even when Cognito echoes it', async () => {
    const { fetch } = fakeFetch(json(400, { __type: 'InvalidParameterException', message: `Bad token ${REFRESH}` }));
    const error = await failure(provider(fetch).refresh(REFRESH));
    expect(error.message).not.toContain(REFRESH);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(REFRESH);
  });

  it('never repeats any JWT Cognito echoes', async () => {
    const token = accessToken();
    const { fetch } = fakeFetch(json(400, { __type: 'InvalidParameterException', message: `Bad token ${token}` }));
    expect((await failure(provider(fetch).refresh(REFRESH))).message).not.toContain(token);
  });

  it.each<[string, () => Response]>([
    ['an empty body', () => new Response('', { status: 200 })],
    ['an empty object', json(200, {})],
    ['an AuthenticationResult without AccessToken', okResult({ IdToken: idToken() })],
    ['a challenge instead of tokens', json(200, { ChallengeName: 'SMS_MFA', Session: 's', ChallengeParameters: {} })],
  ])('a 200 with %s → invalid_response', async (_, answer) => {
    const { fetch } = fakeFetch(answer);
    expect((await failure(provider(fetch).refresh(REFRESH))).code).toBe('invalid_response');
  });
});

describe('managed login (domain)', () => {
  it('exposes the /oauth2 endpoints of the domain', () => {
    const p = cognito({ clientId: 'client-1', domain: 'my-app.auth.eu-west-1.amazoncognito.com' });
    expect(p.managedLogin).toMatchObject({
      authorizationEndpoint: 'https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
      tokenEndpoint: 'https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/token',
      revocationEndpoint: 'https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/revoke',
    });
    expect(p.managedLogin?.oauth2.options.clientId).toBe('client-1');
    expect(p.endpoint).toBeUndefined();
    expect(cognito({ clientId: 'c', domain: 'https://auth.example.com/' }).managedLogin?.tokenEndpoint).toBe(
      'https://auth.example.com/oauth2/token',
    );
  });

  it('refreshes with grant_type=refresh_token at /oauth2/token', async () => {
    const body = { access_token: accessToken(), id_token: idToken(), token_type: 'Bearer', expires_in: 3600 };
    const { fetch, sent } = fakeFetch(json(200, body));
    const p = cognito({ region: 'eu-west-1', clientId: 'client-1', domain: 'auth.example.com', fetch });
    expect(await p.refresh(REFRESH)).toEqual(body);
    expect(sent[0]!.url).toBe('https://auth.example.com/oauth2/token');
    expect(sent[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.body))).toEqual({
      client_id: 'client-1',
      grant_type: 'refresh_token',
      refresh_token: REFRESH,
    });
  });

  it('revokes with token and client_id at /oauth2/revoke', async () => {
    const { fetch, sent } = fakeFetch(() => new Response('', { status: 200 }));
    await cognito({ clientId: 'client-1', domain: 'auth.example.com', fetch }).revoke!(REFRESH);
    expect(sent[0]!.url).toBe('https://auth.example.com/oauth2/revoke');
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.body))).toMatchObject({ token: REFRESH, client_id: 'client-1' });
  });

  it('signs in with the PKCE helper through /oauth2/authorize and /oauth2/token', async () => {
    const { fetch, sent } = fakeFetch(() =>
      json(200, { access_token: accessToken(), id_token: idToken({ nonce: nonceSent }), refresh_token: 'r', expires_in: 3600 })(),
    );
    let nonceSent = '';
    const { managedLogin } = cognito({ clientId: 'client-1', domain: 'auth.example.com', fetch });
    const url = new URL(
      await beginSignIn(managedLogin!.oauth2, {
        authorizationEndpoint: managedLogin!.authorizationEndpoint,
        redirectUri: 'https://app.example.com/callback',
        scope: 'openid email',
      }),
    );
    expect(url.origin + url.pathname).toBe('https://auth.example.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('client-1');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    nonceSent = url.searchParams.get('nonce') ?? '';

    const callback = `https://app.example.com/callback?code=the-code&state=${url.searchParams.get('state')}`;
    const response = await completeSignIn(managedLogin!.oauth2, callback);
    expect(response.refresh_token).toBe('r');
    expect(sent[0]!.url).toBe('https://auth.example.com/oauth2/token');
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.body))).toMatchObject({
      grant_type: 'authorization_code',
      code: 'the-code',
      client_id: 'client-1',
      redirect_uri: 'https://app.example.com/callback',
    });
  });

  it('maps invalid_grant from /oauth2/token', async () => {
    const { fetch } = fakeFetch(json(400, { error: 'invalid_grant' }));
    const p = cognito({ clientId: 'client-1', domain: 'auth.example.com', fetch });
    expect((await failure(p.refresh(REFRESH))).code).toBe('invalid_grant');
  });
});

describe('large tokens (jti/origin_jti, groups and custom claims make them grow)', () => {
  const padded = (bytes: number): string => {
    const filler = 'x'.repeat(bytes);
    return accessToken({ jti: crypto.randomUUID(), origin_jti: crypto.randomUUID(), 'custom:blob': filler });
  };

  it.each([
    ['16 KB', 16 * 1024],
    ['1 MB', 1024 * 1024],
  ])('a %s access token comes back intact and parses', async (_, size) => {
    const big = padded(size);
    expect(big.length).toBeGreaterThan(size);
    const id = idToken({ 'cognito:groups': Array.from({ length: 200 }, (_, i) => `group-${i}`) });
    const { fetch } = fakeFetch(okResult({ AccessToken: big, IdToken: id, ExpiresIn: 3600, TokenType: 'Bearer' }));
    const result = (await provider(fetch).refresh(REFRESH)) as CognitoAuthenticationResult;
    expect(result.AccessToken).toBe(big);

    const tokens = parseTokenResponse(result, 5_000, parseTokenResponse({ AccessToken: accessToken(), RefreshToken: REFRESH }, 0));
    expect(tokens.accessToken).toBe(big);
    expect(tokens.idToken).toBe(id);
    expect(tokens.refreshToken).toBe(REFRESH);
    expect(tokens.expiresAt).toBe(5_000 + 3_600_000);
  });

  it('a 1 MB refresh token goes out in the request body unchanged', async () => {
    const hugeRefresh = 'r'.repeat(1024 * 1024);
    const { fetch, sent } = fakeFetch(okResult({ AccessToken: accessToken() }));
    await provider(fetch, { rotation: true }).refresh(hugeRefresh);
    expect((JSON.parse(sent[0]!.body) as { RefreshToken: string }).RefreshToken).toBe(hugeRefresh);
  });
});

describe('parseTokenResponse on Cognito shapes', () => {
  it('uses exp corrected by iat when there is no ExpiresIn (cognito-local)', () => {
    const iatMs = NOW * 1000;
    const receivedAt = iatMs + 2_000; // device clock 2 s ahead of the issuer's
    const result: CognitoAuthenticationResult = { AccessToken: accessToken(), IdToken: idToken(), RefreshToken: REFRESH };
    const tokens = parseTokenResponse(result, receivedAt);
    expect(tokens.expiresAt).toBe(receivedAt + 3_600_000);
    expect(tokens.refreshToken).toBe(REFRESH);
  });

  it('rejects swapped ID and access tokens with invalid_token', () => {
    expect(() => parseTokenResponse({ AccessToken: idToken(), IdToken: accessToken(), ExpiresIn: 3600 }, 0)).toThrow(
      expect.objectContaining({ code: 'invalid_token' }) as Error,
    );
  });
});
