// The one refresh entry point and its policies, event order, the server snapshot and the ports,
// through the public API.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSession, oauth2, type Session, type SessionPorts, type TabChannel } from '../src/index.js';
import { ASK_WINDOW } from '../src/tabs/tabs.js';
import { MIN_REFRESH_INTERVAL } from '../src/time/policy.js';
import { fakeEndpoint, record, settle, tokenResponse, useFakeClock, type FakeEndpoint } from './helpers.js';
import { fakeLocks } from './web-locks.js';

let sessions: Session[] = [];
const refreshes = (endpoint: FakeEndpoint) => endpoint.requests.filter((r) => r.get('grant_type') === 'refresh_token');

async function makeSession(endpoint: FakeEndpoint, ports: Partial<SessionPorts> = {}): Promise<Session> {
  const session = createSession({
    name: 'app',
    persist: 'memory',
    provider: oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', fetch: endpoint.fetch }),
    ports,
  });
  sessions.push(session);
  await vi.advanceTimersByTimeAsync(ASK_WINDOW);
  await session.ready;
  return session;
}

/** A refresh token is reused when the provider sees it twice: reuse detection would revoke the grant. */
function reused(endpoint: FakeEndpoint): string[] {
  const sent = refreshes(endpoint).map((form) => form.get('refresh_token')!);
  return sent.filter((token, i) => sent.indexOf(token) !== i);
}

/** Channels between "tabs" in one test, without the global BroadcastChannel. */
function channelHub(): (name: string) => TabChannel {
  const members = new Set<{ name: string; listener?: (message: unknown) => void }>();
  return (name) => {
    const me: { name: string; listener?: (message: unknown) => void } = { name };
    members.add(me);
    return {
      post: (message) => {
        const copy = structuredClone(message);
        for (const other of members) if (other !== me && other.name === name) queueMicrotask(() => other.listener?.(copy));
      },
      listen: (listener) => void (me.listener = listener),
      close: () => void members.delete(me),
    };
  };
}

beforeEach(() => useFakeClock());
afterEach(() => {
  for (const session of sessions) session.dispose();
  sessions = [];
  vi.useRealTimers();
});

describe('refresh({ unless })', () => {
  it('20 parallel "this token was refused" calls make one provider request', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse());
    const refused = await session.getAccessToken();
    await Promise.all(Array.from({ length: 20 }, () => session.refresh({ unless: refused })));
    expect(refreshes(endpoint)).toHaveLength(1);
    expect(await session.getAccessToken()).not.toBe(refused);
  });

  it('sends nothing once the token has changed, and refreshes when it has not', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse());
    const first = await session.getAccessToken();
    await session.refresh({ unless: first });
    await session.refresh({ unless: first });
    expect(refreshes(endpoint)).toHaveLength(1);
    // A fresh token refused again at once is not refreshed again at once: successes are paced too.
    await session.refresh({ unless: await session.getAccessToken() });
    expect(refreshes(endpoint)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(MIN_REFRESH_INTERVAL);
    await session.refresh({ unless: await session.getAccessToken() });
    expect(refreshes(endpoint)).toHaveLength(2);
  });

  it('with rotation and two tabs, each refused 10 times at once, the provider never sees a refresh token twice', async () => {
    const endpoint = fakeEndpoint();
    const ports = { locks: fakeLocks(), channel: channelHub() };
    const [a, b] = [await makeSession(endpoint, ports), await makeSession(endpoint, ports)];
    await a.setTokens(tokenResponse());
    await vi.advanceTimersByTimeAsync(ASK_WINDOW);
    await settle();
    expect(b.getSnapshot().status).toBe('signedIn');
    const refused = await a.getAccessToken();
    expect(await b.getAccessToken()).toBe(refused);
    const calls = [a, b].flatMap((tab) => Array.from({ length: 10 }, () => tab.refresh({ unless: refused })));
    await vi.advanceTimersByTimeAsync(2 * ASK_WINDOW);
    await Promise.all(calls);
    expect(refreshes(endpoint)).toHaveLength(1);
    expect(reused(endpoint)).toEqual([]);
    expect(await a.getAccessToken()).toBe(await b.getAccessToken());
  });

  it('refresh() with no options refreshes now, due or not', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse());
    await session.refresh();
    await session.refresh();
    expect(refreshes(endpoint)).toHaveLength(2);
  });
});

describe('event order', () => {
  it('typed events see the new snapshot, and subscribers run after them', async () => {
    const endpoint = fakeEndpoint();
    const session = await makeSession(endpoint);
    await session.setTokens(tokenResponse());
    let refreshCount = 0;
    const seen: string[] = [];
    session.on('rotated', () => seen.push(`rotated:${session.getSnapshot().tokens?.refreshToken}`));
    session.on('refreshed', () => {
      refreshCount++;
      seen.push(`refreshed:${session.getSnapshot().tokens?.refreshToken}`);
    });
    session.subscribe(() => seen.push(`render:${session.getSnapshot().status}:${refreshCount}`));
    await session.refresh();
    const token = session.getSnapshot().tokens?.refreshToken;
    // refreshing, then the new tokens: rotated and refreshed first (already seeing them), then the render.
    expect(seen).toEqual([
      'render:refreshing:0',
      `rotated:${token}`,
      `refreshed:${token}`,
      'render:refreshing:1',
      'render:signedIn:1',
    ]);
  });

  it('signedIn fires before subscribers hear of the sign-in', async () => {
    const session = await makeSession(fakeEndpoint());
    const seen: string[] = [];
    session.on('signedIn', () => seen.push(`signedIn:${session.getSnapshot().status}`));
    session.subscribe(() => seen.push(`render:${session.getSnapshot().status}`));
    await session.setTokens(tokenResponse());
    expect(seen).toEqual(['signedIn:signedIn', 'render:signedIn']);
  });
});

describe('getServerSnapshot()', () => {
  it('is stable and says loading, whatever the session holds', async () => {
    const session = await makeSession(fakeEndpoint());
    const server = session.getServerSnapshot();
    expect(server).toEqual({ status: 'loading' });
    expect(Object.isFrozen(server)).toBe(true);
    await session.setTokens(tokenResponse());
    expect(session.getServerSnapshot()).toBe(server);
  });
});

describe('ports', () => {
  it('a session runs on the ports it is given, not the globals', async () => {
    const endpoint = fakeEndpoint();
    const locks = fakeLocks();
    const wall = vi.fn(() => Date.now());
    const session = await makeSession(endpoint, { locks, channel: channelHub(), now: wall, random: () => 0 });
    await session.setTokens(tokenResponse({ lifetime: 600 }));
    // random() = 0: no jitter, the refresh is exactly refreshBefore (60 s) before expiry.
    expect(session.getSnapshot().refreshAt).toBe(Date.now() + 540_000);
    await session.refresh();
    expect(locks.requests).toBe(1);
    expect(wall).toHaveBeenCalled();
  });

  it('without a channel port, two sessions of one name share nothing', async () => {
    const endpoint = fakeEndpoint();
    const [a, b] = [await makeSession(endpoint, { channel: undefined }), await makeSession(endpoint, { channel: undefined })];
    await a.setTokens(tokenResponse());
    await vi.advanceTimersByTimeAsync(ASK_WINDOW);
    expect(b.getSnapshot().status).toBe('signedOut');
  });
});
