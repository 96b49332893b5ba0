import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSession, oauth2, TokenVaultError, type Session } from '../src/index.js';
import { ASK_WINDOW } from '../src/tabs/tabs.js';
import { advance, failure, fakeEndpoint, holdNextAnswer, json, jwt, record, settle, tokenResponse, useFakeClock, type FakeEndpoint } from './helpers.js';

const TOKEN_ENDPOINT = 'https://id.example.com/token';
let sessions: Session[] = [];

// Memory persistence keeps these tests on the fake clock alone; persistence.test.ts covers IndexedDB.
// In memory, a new session first asks other tabs for theirs (ASK_WINDOW); let the fake clock pass that.
async function makeSession(endpoint: FakeEndpoint, options: Partial<Parameters<typeof createSession>[0]> = {}): Promise<Session> {
  const session = createSession({
    name: 'app',
    persist: 'memory',
    provider: oauth2({
      tokenEndpoint: TOKEN_ENDPOINT,
      revocationEndpoint: 'https://id.example.com/revoke',
      clientId: 'spa',
      fetch: endpoint.fetch,
    }),
    ...options,
  });
  sessions.push(session);
  await vi.advanceTimersByTimeAsync(ASK_WINDOW);
  await session.ready;
  return session;
}

const tokenRequests = (endpoint: FakeEndpoint) => endpoint.requests.filter((r) => r.get('grant_type') === 'refresh_token');

beforeEach(() => useFakeClock());
afterEach(() => {
  for (const session of sessions) session.dispose();
  sessions = [];
  vi.useRealTimers();
});

describe('signing in', () => {
  it('holds tokens in memory and exposes claims in a stable snapshot', async () => {
    const session = await makeSession(fakeEndpoint());
    await session.ready;
    expect(session.getSnapshot().status).toBe('signedOut');
    const events = record(session, 'signedIn');
    await session.setTokens(tokenResponse({ sub: 'ada' }));
    const snapshot = session.getSnapshot();
    expect(snapshot.status).toBe('signedIn');
    expect(snapshot.claims?.sub).toBe('ada');
    expect(snapshot.claims?.['email']).toBe('ada@example.com');
    expect(snapshot.groups).toEqual([]);
    expect(snapshot.expiresAt).toBe(Date.now() + 3600_000);
    expect(session.getSnapshot()).toBe(snapshot);
    expect(events).toEqual([['signedIn', { source: 'local' }]]);
    expect(await session.getAccessToken()).toBe(snapshot.tokens?.accessToken);
  });

  it('accepts the Cognito AuthenticationResult shape', async () => {
    const session = await makeSession(fakeEndpoint());
    const now = Math.floor(Date.now() / 1000);
    await session.setTokens({
      AccessToken: jwt({ sub: 'u', token_use: 'access', 'cognito:groups': ['admin'], username: 'ada', iat: now, exp: now + 600 }),
      IdToken: jwt({ sub: 'u', token_use: 'id', 'cognito:username': 'ada', iat: now, exp: now + 600 }),
      RefreshToken: 'opaque-refresh',
      ExpiresIn: 600,
      TokenType: 'Bearer',
    });
    const snapshot = session.getSnapshot();
    expect(snapshot.username).toBe('ada');
    expect(snapshot.groups).toEqual(['admin']);
    expect(snapshot.tokens?.refreshToken).toBe('opaque-refresh');
  });

  it.each([
    ['no access token', { id_token: jwt({}) }],
    ['a broken JWT', { access_token: 'a.b.c', expires_in: 60 }],
    ['an opaque token without expires_in', { access_token: 'opaque' }],
    ['a negative expires_in', { access_token: 'opaque', expires_in: -5 }],
    ['a zero expires_in', { access_token: jwt({ exp: 2e9 }), expires_in: '0' }],
    ['an expires_in that is not a number', { access_token: 'opaque', expires_in: true }],
    ['an empty refresh token', { access_token: 'opaque', expires_in: 60, refresh_token: '' }],
    ['a non-JWT ID token', { access_token: 'opaque', expires_in: 60, id_token: 'nope' }],
    ['swapped Cognito tokens', { AccessToken: jwt({ token_use: 'id', exp: 2e9 }), IdToken: jwt({ token_use: 'access' }) }],
    ['not an object', 'access_token=x'],
  ])('rejects %s with invalid_token and keeps what it had', async (_what, bad) => {
    const session = await makeSession(fakeEndpoint());
    const good = tokenResponse();
    await session.setTokens(good);
    await expect(session.setTokens(bad as never)).rejects.toMatchObject({ code: 'invalid_token' });
    expect(session.getSnapshot().tokens?.accessToken).toBe(good.access_token);
  });

  it('allows opaque access tokens when expires_in is given', async () => {
    const session = await makeSession(fakeEndpoint());
    await session.setTokens({ access_token: 'opaque-access', expires_in: 300, refresh_token: 'r' });
    expect(await session.getAccessToken()).toBe('opaque-access');
    expect(session.getSnapshot().claims).toBeUndefined();
  });

  it('counts expiry from arrival, not from a skewed exp', async () => {
    const session = await makeSession(fakeEndpoint());
    const skewed = tokenResponse({ lifetime: 600 });
    // The device clock is two hours behind the server: exp says "far future", expires_in says 10 minutes.
    await session.setTokens({ ...skewed, access_token: jwt({ exp: Math.floor(Date.now() / 1000) + 7800 }) });
    expect(session.getSnapshot().expiresAt).toBe(Date.now() + 600_000);
  });

  it('without expires_in, corrects exp by the skew between iat and arrival', async () => {
    const session = await makeSession(fakeEndpoint());
    const serverNow = Math.floor(Date.now() / 1000) + 3600; // device clock an hour behind
    await session.setTokens({ access_token: jwt({ iat: serverNow, exp: serverNow + 300 }), refresh_token: 'r' });
    expect(session.getSnapshot().expiresAt).toBe(Date.now() + 300_000);
  });
});

describe('refresh scheduling', () => {
  it('refreshes before expiry, and not before the margin', async () => {
    const endpoint = fakeEndpoint(3600);
    const session = await makeSession(endpoint, { refreshBefore: 60 });
    await session.setTokens(tokenResponse({ lifetime: 3600 }));
    // Jitter moves the refresh at most 10% of the margin earlier: 3600 − 66 s is the earliest.
    await advance(3600_000 - 67_000, 60_000);
    expect(tokenRequests(endpoint)).toHaveLength(0);
    await advance(8_000);
    expect(tokenRequests(endpoint)).toHaveLength(1);
    expect(session.getSnapshot().expiresAt).toBeGreaterThan(Date.now() + 3500_000);
  });

  it('refreshes a short-lived token at a share of its lifetime', async () => {
    const endpoint = fakeEndpoint(20);
    const session = await makeSession(endpoint, { refreshBefore: 60 });
    await session.setTokens(tokenResponse({ lifetime: 20 }));
    await advance(14_000, 500);
    expect(tokenRequests(endpoint)).toHaveLength(0);
    await advance(1_500, 500);
    expect(tokenRequests(endpoint)).toHaveLength(1);
  });

  it('does not fire early for a 60-day token (timer clamp)', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse({ lifetime: 60 * 86400 }));
    await advance(59 * 86400_000, 3600_000);
    expect(tokenRequests(endpoint)).toHaveLength(0);
    await advance(86400_000 - 60_000, 60_000);
    expect(tokenRequests(endpoint)).toHaveLength(1);
  });

  it('refreshes a due token before handing it out, after a jump of the clock', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse());
    vi.setSystemTime(Date.now() + 2 * 3600_000); // a laptop that slept two hours
    const token = await session.getAccessToken();
    expect(tokenRequests(endpoint)).toHaveLength(1);
    expect(token).toBe(session.getSnapshot().tokens?.accessToken);
  });

  it('still refreshes on time when the device clock is set back an hour', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse({ lifetime: 600 }));
    await advance(60_000);
    vi.setSystemTime(Date.now() - 3600_000); // the wall clock goes back; the monotonic clock does not
    await advance(540_000 - 60_000 + 1_000, 1_000);
    expect(tokenRequests(endpoint)).toHaveLength(1);
  });

  it('makes one request for 100 concurrent getAccessToken() calls', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse());
    vi.setSystemTime(Date.now() + 3600_000);
    const tokens = await Promise.all([
      ...Array.from({ length: 100 }, () => session.getAccessToken()),
      session.refresh(),
    ]);
    expect(tokenRequests(endpoint)).toHaveLength(1);
    expect(new Set(tokens.slice(0, 100)).size).toBe(1);
  });

  it('fires rotated only when the refresh token changes', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse());
    const events = record(session, 'refreshed', 'rotated');
    endpoint.rotate = false;
    await session.refresh();
    expect(events.map(([type]) => type)).toEqual(['refreshed']);
    endpoint.rotate = true;
    await session.refresh();
    expect(events.map(([type]) => type)).toEqual(['refreshed', 'rotated', 'refreshed']);
  });

  it('keeps the old refresh token when the answer omits it', async () => {
    const endpoint = fakeEndpoint();
    endpoint.rotate = false;
    const session = await makeSession(endpoint);
    const first = tokenResponse({ refreshToken: 'keep-me' });
    await session.setTokens(first);
    await session.refresh();
    expect(session.getSnapshot().tokens?.refreshToken).toBe('keep-me');
    expect(tokenRequests(endpoint)[0]?.get('refresh_token')).toBe('keep-me');
  });
});

describe('failures', () => {
  it('retries network errors and 5xx with bounded backoff, without signing out', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    const errors = record(session, 'error');
    await session.setTokens(tokenResponse({ lifetime: 600 }));
    const failing: Array<Response | Error> = Array.from({ length: 12 }, (_, i) =>
      i % 2 ? json(503, { error: 'temporarily_unavailable' }) : new TypeError('Failed to fetch'),
    );
    const times: number[] = [];
    endpoint.fetch.mockImplementation(async () => {
      times.push(Date.now());
      const next = failing.shift();
      if (next instanceof Error) throw next;
      return next ?? json(200, tokenResponse());
    });
    await advance(40 * 60_000, 250);
    expect(times).toHaveLength(13);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps[0]).toBeLessThanOrEqual(2_250);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(60_250);
    expect(errors.map(([, e]) => e.error.code)).toEqual(expect.arrayContaining(['network', 'server_error']));
    expect(session.getSnapshot().status).toBe('signedIn');
  });

  it('stops on invalid_grant: revoked, signed out, no more requests', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse({ lifetime: 600 }));
    const events = record(session, 'revoked', 'signedOut', 'error');
    endpoint.queue.push(json(400, { error: 'invalid_grant', error_description: 'grant request is invalid' }));
    await advance(600_000, 5_000);
    expect(tokenRequests(endpoint)).toHaveLength(1);
    expect(events.map(([type]) => type)).toEqual(['error', 'revoked', 'signedOut']);
    expect(events[1]?.[1]).toEqual({ source: 'provider' });
    expect(session.getSnapshot().status).toBe('signedOut');
    await advance(3600_000, 60_000);
    expect(tokenRequests(endpoint)).toHaveLength(1);
    await expect(session.getAccessToken()).rejects.toMatchObject({ code: 'not_signed_in' });
  });

  it('hands out a still-valid token when a due refresh fails for a network error', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    const first = tokenResponse({ lifetime: 600 });
    await session.setTokens(first);
    vi.setSystemTime(Date.now() + 590_000);
    endpoint.queue.push(new TypeError('Failed to fetch'));
    expect(await session.getAccessToken()).toBe(first.access_token);
  });

  it('reports expired, but keeps the session, when the token runs out while refresh keeps failing', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse({ lifetime: 120 }));
    endpoint.fetch.mockRejectedValue(new TypeError('Failed to fetch'));
    const events = record(session, 'expired', 'signedOut');
    await advance(10 * 60_000, 1_000);
    expect(events.map(([type]) => type)).toEqual(['expired']);
    expect(session.getSnapshot().status).toBe('signedIn');
    await expect(session.getAccessToken()).rejects.toMatchObject({ code: 'network' });
  });

  it('offline past expiry, looks at the clock once a minute, not in a loop', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse({ lifetime: 120 }));
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    await advance(180_000, 1_000);
    const timers = vi.spyOn(globalThis, 'setTimeout');
    await advance(10 * 60_000, 1_000);
    expect(timers.mock.calls.length).toBeLessThanOrEqual(12);
    expect(endpoint.fetch).not.toHaveBeenCalled();
    expect(session.getSnapshot().status).toBe('signedIn');
  });

  it('never puts a token in an error message', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    const first = tokenResponse({ refreshToken: 'rt-secret-value-0123456789' });
    await session.setTokens(first);
    endpoint.queue.push(json(400, { error: 'invalid_request', error_description: 'bad token rt-secret-value-0123456789' }));
    const error = await session.refresh().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenVaultError);
    expect(JSON.stringify({ m: (error as Error).message, s: (error as Error).stack })).not.toContain('rt-secret-value');
    expect((error as TokenVaultError).code).toBe('provider_error');
  });
});

describe('signing out', () => {
  it('stays signed out when a refresh in flight completes after signOut()', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse());
    const held = holdNextAnswer(endpoint);
    const refreshing = session.refresh().catch((e: unknown) => e);
    await held.requested;
    expect(session.getSnapshot().status).toBe('refreshing');
    await session.signOut();
    held.answer(json(200, tokenResponse()));
    await refreshing;
    await settle();
    expect(session.getSnapshot().status).toBe('signedOut');
    await expect(session.getAccessToken()).rejects.toMatchObject({ code: 'not_signed_in' });
  });

  it('revoke() revokes the refresh token at the provider, then clears', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse({ refreshToken: 'to-revoke' }));
    const events = record(session, 'revoked', 'signedOut');
    await session.revoke();
    const revocation = endpoint.fetch.mock.calls.find(([url]) => url === 'https://id.example.com/revoke');
    const form = new URLSearchParams(String(revocation?.[1].body));
    expect(Object.fromEntries(form)).toEqual({ client_id: 'spa', token: 'to-revoke', token_type_hint: 'refresh_token' });
    expect(events).toEqual([
      ['revoked', { source: 'local' }],
      ['signedOut', { source: 'local' }],
    ]);
  });

  it('revoke() keeps the session when the provider cannot be reached', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse());
    endpoint.queue.push(new TypeError('Failed to fetch'));
    await expect(session.revoke()).rejects.toMatchObject({ code: 'network' });
    expect(session.getSnapshot().status).toBe('signedIn');
  });
});

describe('events and subscriptions', () => {
  it('a throwing listener never stops the others', async () => {
    const reported = vi.fn();
    vi.stubGlobal('reportError', reported);
    const session = await makeSession(fakeEndpoint());
    const after = vi.fn();
    session.on('signedIn', () => {
      throw new Error('listener bug');
    });
    session.on('signedIn', after);
    session.subscribe(() => {
      throw new Error('subscriber bug');
    });
    const subscriber = vi.fn();
    session.subscribe(subscriber);
    await session.setTokens(tokenResponse());
    expect(after).toHaveBeenCalledOnce();
    expect(subscriber).toHaveBeenCalled();
    expect(reported).toHaveBeenCalledWith(expect.objectContaining({ message: 'listener bug' }));
    vi.unstubAllGlobals();
  });

  it('unsubscribe functions work', async () => {
    const session = await makeSession(fakeEndpoint());
    const listener = vi.fn();
    const subscriber = vi.fn();
    session.on('signedIn', listener)();
    session.subscribe(subscriber)();
    await session.setTokens(tokenResponse());
    expect(listener).not.toHaveBeenCalled();
    expect(subscriber).not.toHaveBeenCalled();
  });

  it('dispose() leaves no timer and no listener behind', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse({ lifetime: 120 }));
    const removed = vi.spyOn(window, 'removeEventListener');
    session.dispose();
    expect(vi.getTimerCount()).toBe(0);
    expect(removed.mock.calls.map(([type]) => type)).toEqual(expect.arrayContaining(['online', 'pageshow', 'focus']));
    await advance(600_000, 60_000);
    expect(tokenRequests(endpoint)).toHaveLength(0);
    await expect(session.getAccessToken()).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe('no piece of a held token in a message', () => {
  it('a provider that echoes 32 characters of the ID token or the access token: the session redacts them too', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    const tokens = tokenResponse();
    await session.setTokens(tokens);
    const idPiece = tokens.id_token.slice(10, 42);
    const accessPiece = tokens.access_token.slice(-30);
    endpoint.queue.push(json(400, { error: 'invalid_request', error_description: `bad ${idPiece} and ${accessPiece}` }));
    const refreshFailure = await failure(session.refresh());
    endpoint.queue.push(json(400, { error: 'invalid_request', error_description: `unknown ${idPiece}` }));
    const revokeFailure = await failure(session.revoke());
    for (const error of [refreshFailure, revokeFailure]) {
      expect(error.code).toBe('provider_error');
      expect(error.message).toContain('[redacted]');
      expect(error.message).not.toContain(idPiece.slice(0, 16));
      expect(error.message).not.toContain(accessPiece.slice(0, 16));
    }
  });
});
