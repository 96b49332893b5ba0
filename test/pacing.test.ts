// Every request to the provider is paced: app calls cannot bypass the backoff, fresh tokens that
// are already due cause no storm, and no expired token is handed out after a slow seal.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSession, oauth2, type Session, type SessionPorts } from '../src/index.js';
import type { FetchLike } from '../src/providers/types.js';
import { ASK_WINDOW } from '../src/tabs/tabs.js';
import { fakeEndpoint, json, jwt, record, settle, tokenResponse, useFakeClock, type FakeEndpoint } from './helpers.js';

let sessions: Session[] = [];

async function makeSession(endpoint: FakeEndpoint, ports: Partial<SessionPorts> = {}): Promise<Session> {
  const session = createSession({
    name: 'app',
    persist: 'memory',
    provider: oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', fetch: endpoint.fetch }),
    // The worst case of the jitter: every random delay as short as it can be.
    ports: { random: () => 0, ...ports },
  });
  sessions.push(session);
  await vi.advanceTimersByTimeAsync(ASK_WINDOW);
  await session.ready;
  return session;
}

/** Request times, in whole seconds since `start`. */
function requestTimes(endpoint: FakeEndpoint, start: number): number[] {
  const times: number[] = [];
  const answer = endpoint.fetch.getMockImplementation() as FetchLike;
  endpoint.fetch.mockImplementation((url: string, init: RequestInit) => {
    times.push(Math.floor((Date.now() - start) / 1000));
    return answer(url, init);
  });
  return times;
}

/** The app asks for a token once a second for `seconds`, as a polling page would. */
async function appCallsEverySecond(session: Session, seconds: number): Promise<string[]> {
  const outcomes: string[] = [];
  for (let i = 0; i < seconds; i++) {
    session.getAccessToken().then(
      () => outcomes.push('token'),
      (error: { code: string }) => outcomes.push(error.code),
    );
    await vi.advanceTimersByTimeAsync(1_000);
  }
  await settle(5);
  return outcomes;
}

const perMinute = (times: number[], minutes: number): number[] =>
  Array.from({ length: minutes }, (_, m) => times.filter((t) => t >= m * 60 && t < (m + 1) * 60).length);

beforeEach(() => useFakeClock());
afterEach(() => {
  for (const session of sessions) session.dispose();
  sessions = [];
  vi.useRealTimers();
});

describe('app calls do not bypass the backoff', () => {
  it('a provider answering 503: at most 6 requests in the first minute, then at most 2 a minute', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse({ lifetime: 3600 }));
    endpoint.queue.push(...Array.from({ length: 100 }, () => json(503, { error: 'temporarily_unavailable' })));
    vi.setSystemTime(Date.now() + 3600_000 - 50_000); // due, and still valid for 50 s
    const times = requestTimes(endpoint, Date.now());
    const outcomes = await appCallsEverySecond(session, 10 * 60);
    const counts = perMinute(times, 10);
    expect(counts[0]).toBeLessThanOrEqual(6);
    for (const count of counts.slice(1)) expect(count).toBeLessThanOrEqual(2);
    // While the token works it is handed out; once it has expired, the call fails with why.
    expect(outcomes.slice(0, 40).every((outcome) => outcome === 'token')).toBe(true);
    expect(outcomes.slice(60)).toEqual(outcomes.slice(60).map(() => 'server_error'));
    expect(session.getSnapshot().status).toBe('signedIn');
  });

  it('Retry-After: 30 holds back app calls and an explicit refresh() alike', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse({ lifetime: 3600 }));
    endpoint.queue.push(json(429, { error: 'slow_down' }, { 'retry-after': '30' }));
    vi.setSystemTime(Date.now() + 3600_000 - 50_000);
    const times = requestTimes(endpoint, Date.now());
    const outcomes = await appCallsEverySecond(session, 10);
    await expect(session.refresh()).rejects.toMatchObject({ code: 'rate_limited' });
    expect(times).toEqual([0]);
    expect(outcomes).toEqual(outcomes.map(() => 'token'));
    await appCallsEverySecond(session, 25);
    expect(times).toEqual([0, 30]);
  });

  it('an explicit refresh() may skip a backoff', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse({ lifetime: 3600 }));
    endpoint.queue.push(json(503, {}), json(503, {}));
    await expect(session.refresh()).rejects.toMatchObject({ code: 'server_error' });
    await expect(session.refresh()).rejects.toMatchObject({ code: 'server_error' });
    await session.refresh();
    expect(endpoint.requests).toHaveLength(3);
  });
});

describe('no refresh storm', () => {
  it.each([
    ['expires_in: 0.001', () => ({ ...tokenResponse(), expires_in: 0.001 })],
    ['a JWT with iat after exp and no expires_in', () => {
      const now = Math.floor(Date.now() / 1000);
      return { access_token: jwt({ iat: now, exp: now - 60 }), refresh_token: `rt-${Math.random()}`, token_type: 'Bearer' };
    }],
  ])('a provider whose fresh tokens are always already due (%s) is reported once, not hammered', async (_what, due) => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    const errors = record(session, 'error');
    await session.setTokens(tokenResponse({ lifetime: 3600 }));
    endpoint.fetch.mockImplementation(async (_url, init) => {
      endpoint.requests.push(new URLSearchParams(String(init.body)));
      return json(200, due());
    });
    vi.setSystemTime(Date.now() + 3600_000);
    const times = requestTimes(endpoint, Date.now());
    await appCallsEverySecond(session, 3);
    expect(times.length).toBeLessThanOrEqual(3);
    await appCallsEverySecond(session, 10 * 60 - 3);
    const counts = perMinute(times, 10);
    expect(counts[0]).toBeLessThanOrEqual(6);
    for (const count of counts.slice(1)) expect(count).toBeLessThanOrEqual(2);
    expect(errors.filter(([, e]) => e.error.code === 'invalid_response')).toHaveLength(1);
  });

  it('after a successful refresh the next one waits at least 2 s', async () => {
    const endpoint = fakeEndpoint(4); // 4 s tokens: due after 3 s
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse({ lifetime: 4 }));
    const times = requestTimes(endpoint, Date.now());
    await appCallsEverySecond(session, 60);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(times.length).toBeGreaterThanOrEqual(15);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2);
  });
});

describe('a slow seal', () => {
  it('never hands out a token that expired while it was being sealed', async () => {
    const endpoint = fakeEndpoint(4);
    let hang = false;
    const subtle = crypto.subtle;
    const slowSubtle = {
      encrypt: (...args: Parameters<SubtleCrypto['encrypt']>) => (hang ? new Promise<never>(() => {}) : subtle.encrypt(...args)),
      decrypt: subtle.decrypt.bind(subtle),
      generateKey: subtle.generateKey.bind(subtle),
    } as SubtleCrypto;
    const session = createSession({
      name: 'app',
      provider: oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', fetch: endpoint.fetch }),
      ports: { random: () => 0, storage: { indexedDB, subtle: slowSubtle, origin: location.origin } },
    });
    sessions.push(session);
    await session.ready;
    await session.setTokens(tokenResponse({ lifetime: 4 }));
    hang = true;
    // Due after 3 s: refreshed, and the seal hangs until the storage timeout (10 s).
    for (let i = 0; i < 8; i++) {
      await vi.advanceTimersByTimeAsync(1_000);
      await settle(5);
    }
    expect(endpoint.requests).toHaveLength(1);
    const handedOut: Array<{ token?: string; code?: string; at: number }> = [];
    session.getAccessToken().then(
      (token) => handedOut.push({ token, at: Date.now() }),
      (error: { code: string }) => handedOut.push({ code: error.code, at: Date.now() }),
    );
    for (let i = 0; i < 10 && !handedOut.length; i++) {
      await vi.advanceTimersByTimeAsync(1_000);
      await settle(5);
    }
    expect(handedOut).toHaveLength(1);
    const [outcome] = handedOut;
    if (outcome!.token !== undefined) expect(session.getSnapshot().expiresAt).toBeGreaterThan(outcome!.at);
    else expect(outcome!.code).toBe('storage_unavailable');
  });
});

describe('a custom provider that never answers', () => {
  it('gives up after 40 s with network, and the session is signed in and not refreshing', async () => {
    const session = createSession({
      name: 'app',
      persist: 'memory',
      provider: { refresh: () => new Promise(() => {}) },
      ports: { random: () => 0 },
    });
    sessions.push(session);
    await vi.advanceTimersByTimeAsync(ASK_WINDOW);
    await session.setTokens(tokenResponse({ lifetime: 3600 }));
    const outcome = session.refresh().catch((error: { code: string }) => error.code);
    await vi.advanceTimersByTimeAsync(40_000);
    expect(await outcome).toBe('network');
    expect(session.getSnapshot().status).toBe('signedIn');
  });
});
