// The Cognito provider through the public API: createSession + cognito(), with
// a fetch that plays the user-pool API (documented request and answer shapes).
import { base64url } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ASK_WINDOW } from '../../src/tabs/tabs.js';
import { createSession, TokenVaultError, type Session } from '../../src/index.js';
import { cognito, type CognitoOptions } from '../../src/providers/cognito.js';
import type { FetchLike } from '../../src/providers/types.js';
import { advance, record, settle, useFakeClock } from '../helpers.js';

function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown): string => base64url.encode(JSON.stringify(value));
  return `${part({ alg: 'RS256', kid: 'test' })}.${part(payload)}.c2ln`;
}

let serial = 0;
/** A Cognito AuthenticationResult as InitiateAuth returns it; each call mints new token strings. */
function authenticationResult(options: { lifetime?: number; refreshToken?: string; pad?: number } = {}) {
  serial++;
  const iat = Math.floor(Date.now() / 1000);
  const lifetime = options.lifetime ?? 3600;
  const common = { sub: 'u-1', iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool', iat, exp: iat + lifetime };
  return {
    AccessToken: jwt({
      ...common,
      token_use: 'access',
      client_id: 'client-1',
      username: 'alice',
      'cognito:groups': ['admins', 'editors'],
      jti: `jti-${serial}`,
      origin_jti: 'origin-1',
      pad: 'p'.repeat(options.pad ?? 0),
    }),
    IdToken: jwt({
      ...common,
      token_use: 'id',
      aud: 'client-1',
      'cognito:username': 'alice',
      'cognito:groups': ['admins', 'editors'],
      email: 'alice@example.test',
      origin_jti: 'origin-1',
    }),
    ...(options.refreshToken === undefined ? {} : { RefreshToken: options.refreshToken }),
    ExpiresIn: lifetime,
    TokenType: 'Bearer',
  };
}

interface UserPoolApi {
  fetch: FetchLike;
  /** Operations received, in order, with their JSON bodies. */
  calls: Array<{ operation: string; body: Record<string, unknown> }>;
  /** The next answers; when empty, a fresh AuthenticationResult (with a new refresh token if rotating). */
  queue: Array<Response | Error>;
  rotate: boolean;
}

const answer = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/x-amz-json-1.1' } });

function userPoolApi(): UserPoolApi {
  const api: UserPoolApi = {
    calls: [],
    queue: [],
    rotate: false,
    fetch: async (_url, init) => {
      const target = (init.headers as Record<string, string>)['X-Amz-Target'] ?? '';
      api.calls.push({ operation: target.split('.')[1] ?? '', body: JSON.parse(String(init.body)) as Record<string, unknown> });
      const next = api.queue.shift();
      if (next instanceof Error) throw next;
      if (next !== undefined) return next;
      if (target.endsWith('.RevokeToken')) return answer(200, {});
      const refreshToken = api.rotate ? `rotated-${serial + 1}` : undefined;
      return answer(200, { AuthenticationResult: authenticationResult(refreshToken ? { refreshToken } : {}), ChallengeParameters: {} });
    },
  };
  return api;
}

let sessions: Session[] = [];
// In memory, a new session first asks other tabs for theirs (ASK_WINDOW); let the fake clock pass that.
async function makeSession(api: UserPoolApi, options: Partial<CognitoOptions> = {}, persist: 'memory' | 'indexeddb' = 'memory') {
  const session = createSession({
    name: 'cognito',
    provider: cognito({ region: 'eu-west-1', clientId: 'client-1', fetch: api.fetch, ...options }),
    persist,
  });
  sessions.push(session);
  await vi.advanceTimersByTimeAsync(ASK_WINDOW);
  return session;
}


beforeEach(() => useFakeClock());
afterEach(() => {
  for (const session of sessions) session.dispose();
  sessions = [];
  vi.useRealTimers();
});

describe('a session with the Cognito provider', () => {
  it('takes an AuthenticationResult and exposes claims, groups and username', async () => {
    const session = await makeSession(userPoolApi());
    await session.ready;
    await session.setTokens(authenticationResult({ refreshToken: 'refresh-1' }));
    const snapshot = session.getSnapshot();
    expect(snapshot.status).toBe('signedIn');
    expect(snapshot.claims).toMatchObject({ sub: 'u-1', token_use: 'id', email: 'alice@example.test' });
    expect(snapshot.groups).toEqual(['admins', 'editors']);
    expect(snapshot.username).toBe('alice');
    expect(snapshot.expiresAt).toBe(Date.now() + 3600_000);
    expect(snapshot.tokens?.refreshToken).toBe('refresh-1');
  });

  it('gives an empty groups array when the user is in no group', async () => {
    const session = await makeSession(userPoolApi());
    const iat = Math.floor(Date.now() / 1000);
    await session.setTokens({
      AccessToken: jwt({ sub: 'u-2', token_use: 'access', username: 'bob', iat, exp: iat + 600 }),
      IdToken: jwt({ sub: 'u-2', token_use: 'id', 'cognito:username': 'bob', iat, exp: iat + 600 }),
      RefreshToken: 'refresh-2',
    });
    expect(session.getSnapshot().groups).toEqual([]);
    expect(session.getSnapshot().username).toBe('bob');
  });

  it('rejects swapped ID and access tokens with invalid_token and stays signed out', async () => {
    const session = await makeSession(userPoolApi());
    await session.ready;
    const good = authenticationResult({ refreshToken: 'refresh-1' });
    await expect(session.setTokens({ ...good, AccessToken: good.IdToken, IdToken: good.AccessToken })).rejects.toMatchObject({
      code: 'invalid_token',
    });
    expect(session.getSnapshot().status).toBe('signedOut');
  });

  it('refreshes through InitiateAuth REFRESH_TOKEN_AUTH before expiry and keeps the refresh token', async () => {
    const api = userPoolApi();
    const session = await makeSession(api, { deviceKey: 'eu-west-1_dev' });
    await session.setTokens(authenticationResult({ lifetime: 300, refreshToken: 'refresh-1' }));
    const events = record(session, 'refreshed', 'rotated');
    await advance(300_000);
    expect(api.calls[0]).toEqual({
      operation: 'InitiateAuth',
      body: {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: 'client-1',
        AuthParameters: { REFRESH_TOKEN: 'refresh-1', DEVICE_KEY: 'eu-west-1_dev' },
      },
    });
    expect(events.map(([type]) => type)).toContain('refreshed');
    expect(events.map(([type]) => type)).not.toContain('rotated');
    expect(session.getSnapshot().status).toBe('signedIn');
    expect(session.getSnapshot().tokens?.refreshToken).toBe('refresh-1');
  });

  it('with rotation, refreshes through GetTokensFromRefreshToken and emits rotated', async () => {
    const api = userPoolApi();
    api.rotate = true;
    const session = await makeSession(api, { rotation: true });
    await session.setTokens(authenticationResult({ refreshToken: 'refresh-1' }));
    const events = record(session, 'rotated');
    await session.refresh();
    expect(api.calls).toEqual([
      { operation: 'GetTokensFromRefreshToken', body: { ClientId: 'client-1', RefreshToken: 'refresh-1' } },
    ]);
    expect(events).toEqual([['rotated', { source: 'local' }]]);
    const rotated = session.getSnapshot().tokens?.refreshToken;
    expect(rotated).toMatch(/^rotated-/);
    await session.refresh();
    // The next refresh presents the new token, never the rotated-out one.
    expect(api.calls[1]?.body['RefreshToken']).toBe(rotated);
  });

  it('NotAuthorizedException on refresh: revoked, signed out, no more calls', async () => {
    const api = userPoolApi();
    api.queue.push(answer(400, { __type: 'NotAuthorizedException', message: 'Refresh Token has been revoked' }));
    const session = await makeSession(api);
    await session.setTokens(authenticationResult({ refreshToken: 'refresh-1' }));
    const events = record(session, 'revoked', 'signedOut', 'error');
    await expect(session.refresh()).rejects.toMatchObject({ code: 'invalid_grant', providerCode: 'NotAuthorizedException' });
    expect(events.map(([type]) => type)).toEqual(['error', 'revoked', 'signedOut']);
    expect(events[1]).toEqual(['revoked', { source: 'provider' }]);
    expect(session.getSnapshot()).toEqual({ status: 'signedOut' });
    await advance(3_600_000, 60_000);
    expect(api.calls).toHaveLength(1);
  });

  it('RefreshTokenReuseException with rotation: revoked and signed out', async () => {
    const api = userPoolApi();
    api.queue.push(answer(400, { __type: 'RefreshTokenReuseException', message: 'Refresh token reuse detected' }));
    const session = await makeSession(api, { rotation: true });
    await session.setTokens(authenticationResult({ refreshToken: 'refresh-1' }));
    const events = record(session, 'revoked');
    await expect(session.refresh()).rejects.toMatchObject({ code: 'invalid_grant' });
    expect(events).toEqual([['revoked', { source: 'provider' }]]);
    expect(session.getSnapshot().status).toBe('signedOut');
  });

  it('TooManyRequestsException: retried with backoff, never signed out', async () => {
    const api = userPoolApi();
    api.queue.push(
      answer(400, { __type: 'TooManyRequestsException', message: 'Rate exceeded' }),
      answer(500, { __type: 'InternalErrorException', message: 'Internal error' }),
    );
    const session = await makeSession(api);
    await session.setTokens(authenticationResult({ lifetime: 600, refreshToken: 'refresh-1' }));
    const events = record(session, 'error', 'refreshed', 'signedOut', 'revoked');
    await advance(600_000);
    const codes = events.map(([type, event]) => (type === 'error' ? (event as { error: TokenVaultError }).error.code : type));
    expect(codes).toEqual(['rate_limited', 'server_error', 'refreshed']);
    expect(api.calls.map((c) => c.operation)).toEqual(['InitiateAuth', 'InitiateAuth', 'InitiateAuth']);
    expect(session.getSnapshot().status).toBe('signedIn');
  });

  it('revoke() sends RevokeToken with the refresh token, then signs out', async () => {
    const api = userPoolApi();
    const session = await makeSession(api);
    await session.setTokens(authenticationResult({ refreshToken: 'refresh-1' }));
    const events = record(session, 'revoked', 'signedOut');
    await session.revoke();
    expect(api.calls).toEqual([{ operation: 'RevokeToken', body: { ClientId: 'client-1', Token: 'refresh-1' } }]);
    expect(events).toEqual([
      ['revoked', { source: 'local' }],
      ['signedOut', { source: 'local' }],
    ]);
    expect(session.getSnapshot().status).toBe('signedOut');
  });

  it('a 1 MB access token is refreshed, sealed in IndexedDB and restored', async () => {
    const api = userPoolApi();
    api.queue.push(answer(200, { AuthenticationResult: authenticationResult({ pad: 1024 * 1024 }) }));
    const session = await makeSession(api, {}, 'indexeddb');
    await session.ready;
    await session.setTokens(authenticationResult({ refreshToken: 'refresh-1' }));
    await session.refresh();
    const big = session.getSnapshot().tokens?.accessToken ?? '';
    expect(big.length).toBeGreaterThan(1024 * 1024);
    await settle();

    const again = await makeSession(userPoolApi(), {}, 'indexeddb');
    await again.ready;
    expect(again.getSnapshot().tokens?.accessToken).toBe(big);
    expect(again.getSnapshot().tokens?.refreshToken).toBe('refresh-1');
    expect(again.getSnapshot().groups).toEqual(['admins', 'editors']);
  });
});
