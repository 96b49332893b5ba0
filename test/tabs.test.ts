// Several tabs of one origin, played by several sessions of one name in one page: they share
// IndexedDB (fake-indexeddb), BroadcastChannel (Node's) and a stand-in for Web Locks.
import { createStore, entries, get, set } from 'idb-keyval';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSession, oauth2, type Session, type SessionEvents } from '../src/index.js';
import { CLAIM_LEASE, CLAIM_WINDOW, LOCK_WAIT_TIMEOUT } from '../src/tabs/lock.js';
import { fakeEndpoint, holdNextAnswer, json, record, settle, tokenResponse, type FakeEndpoint } from './helpers.js';
import { fakeLocks, type FakeLocks } from './web-locks.js';

let tabs: Session[] = [];
let locks: FakeLocks;
let clock = Date.now();
const raw = () => createStore('tokenvault', 'vault');

function openTab(endpoint: FakeEndpoint, persist: 'indexeddb' | 'memory' = 'indexeddb'): Session {
  const tab = createSession({
    name: 'app',
    persist,
    now: () => clock,
    provider: oauth2({ tokenEndpoint: 'https://id.example.com/token', revocationEndpoint: 'https://id.example.com/revoke', clientId: 'spa', fetch: endpoint.fetch }),
  });
  tabs.push(tab);
  return tab;
}

/** Two tabs, signed in (as ada) in the first; the second has picked it up. */
async function twoSignedInTabs(endpoint: FakeEndpoint): Promise<[Session, Session]> {
  const [a, b] = [openTab(endpoint), openTab(endpoint)];
  await a.setTokens(tokenResponse({ sub: 'ada' }));
  await vi.waitFor(() => expect(b.getSnapshot().status).toBe('signedIn'));
  return [a, b];
}

const refreshes = (endpoint: FakeEndpoint) => endpoint.requests.filter((r) => r.get('grant_type') === 'refresh_token');

beforeEach(() => {
  clock = Date.now();
  locks = fakeLocks();
  Object.defineProperty(navigator, 'locks', { value: locks, configurable: true });
});
afterEach(() => {
  for (const tab of tabs) tab.dispose();
  tabs = [];
  Object.defineProperty(navigator, 'locks', { value: null, configurable: true });
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('one refresh for all tabs', () => {
  it('three tabs due at once make one request and end with the same tokens', async () => {
    const endpoint = fakeEndpoint();
    const [a, b, c] = [openTab(endpoint), openTab(endpoint), openTab(endpoint)];
    await a.setTokens(tokenResponse());
    await vi.waitFor(() => expect(c.getSnapshot().status).toBe('signedIn'));
    await vi.waitFor(() => expect(b.getSnapshot().status).toBe('signedIn'));
    const bEvents = record(b, 'refreshed', 'rotated');

    clock += 3600_000; // everyone wakes up late
    const tokens = await Promise.all([a, b, c].flatMap((tab) => [tab.getAccessToken(), tab.getAccessToken()]));
    expect(refreshes(endpoint)).toHaveLength(1);
    expect(new Set(tokens).size).toBe(1);
    const newest = a.getSnapshot().tokens;
    for (const tab of [b, c]) expect(tab.getSnapshot().tokens).toEqual(newest);
    expect(bEvents).toContainEqual(['rotated', { source: 'tab' }]);
    expect(bEvents).toContainEqual(['refreshed', { source: 'tab', expiresAt: newest?.expiresAt }]);
  });

  it('does not take the lock while the token in memory is fresh', async () => {
    const a = openTab(fakeEndpoint());
    await a.setTokens(tokenResponse());
    const before = locks.requests;
    await Promise.all(Array.from({ length: 10 }, () => a.getAccessToken()));
    expect(locks.requests).toBe(before);
  });

  it('a stale tab that missed the news adopts the rotated tokens and never reuses its old refresh token', async () => {
    vi.stubGlobal('BroadcastChannel', undefined); // the tabs cannot hear each other: only the record tells
    const endpoint = fakeEndpoint();
    const a = openTab(endpoint);
    await a.setTokens(tokenResponse({ refreshToken: 'old-refresh-token' }));
    const stale = openTab(endpoint);
    await stale.ready;
    expect(stale.getSnapshot().tokens?.refreshToken).toBe('old-refresh-token');
    await a.refresh();
    expect(a.getSnapshot().tokens?.refreshToken).not.toBe('old-refresh-token');

    clock += 3600_000;
    await a.getAccessToken(); // a refreshes again
    const token = await stale.getAccessToken(); // stale wakes: finds a newer record under the lock
    expect(token).toBe(a.getSnapshot().tokens?.accessToken);
    expect(refreshes(endpoint).map((r) => r.get('refresh_token'))).toEqual([
      'old-refresh-token',
      expect.not.stringMatching('old-refresh-token'),
    ]);
  });

  it('a lock that is never released times out with lock_timeout, and the next attempt works', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const endpoint = fakeEndpoint();
    const a = openTab(endpoint);
    await a.setTokens(tokenResponse({ lifetime: 600 }));
    const releaseHungTab = await locks.hold('tokenvault:app');
    clock += 590_000; // due, still valid
    const errors = record(a, 'error');
    const attempt = a.refresh().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(LOCK_WAIT_TIMEOUT);
    expect(await attempt).toMatchObject({ code: 'lock_timeout' });
    expect(errors.map(([, e]) => (e as SessionEvents['error']).error.code)).toEqual(['lock_timeout']);
    // Due but valid: handed out before it runs out, however long the lock is held.
    const token = a.getAccessToken();
    await vi.advanceTimersByTimeAsync(5_000); // 10 s left, minus the 5 s a token must still have
    expect(await token).toBe(a.getSnapshot().tokens?.accessToken);
    releaseHungTab();
    await a.refresh();
    expect(refreshes(endpoint)).toHaveLength(1);
  });
});

describe('without Web Locks', () => {
  beforeEach(() => Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true }));

  it('three tabs due at once still make one request: they take turns by claiming on the channel', async () => {
    const endpoint = fakeEndpoint();
    const [a, b, c] = [openTab(endpoint), openTab(endpoint), openTab(endpoint)];
    await a.setTokens(tokenResponse());
    await vi.waitFor(() => expect([b, c].map((tab) => tab.getSnapshot().status)).toEqual(['signedIn', 'signedIn']));
    clock += 3600_000;
    const tokens = await Promise.all([a, b, c].map((tab) => tab.getAccessToken()));
    expect(refreshes(endpoint)).toHaveLength(1);
    expect(new Set(tokens).size).toBe(1);
  });

  it('a claim that is never released (a crashed tab) stops counting after the lease', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const endpoint = fakeEndpoint();
    const a = openTab(endpoint);
    await a.setTokens(tokenResponse({ lifetime: 3600 }));
    const crashed = new BroadcastChannel('tokenvault:app');
    crashed.postMessage({ kind: 'claim', id: 'crashed-tab', at: Date.now() - 1 });
    crashed.close();
    await settle();
    const refreshing = a.refresh();
    await vi.advanceTimersByTimeAsync(CLAIM_LEASE / 2);
    expect(refreshes(endpoint)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(CLAIM_LEASE / 2 + 2 * CLAIM_WINDOW);
    await refreshing;
    expect(refreshes(endpoint)).toHaveLength(1);
  });
});

describe('sign-out and revocation reach every tab', () => {
  it('signOut() in one tab signs out the others and leaves IndexedDB empty', async () => {
    const endpoint = fakeEndpoint();
    const [a, b] = await twoSignedInTabs(endpoint);
    const bEvents = record(b, 'signedOut', 'revoked');
    await a.signOut();
    await vi.waitFor(() => expect(b.getSnapshot().status).toBe('signedOut'));
    expect(bEvents).toEqual([['signedOut', { source: 'tab' }]]);
    expect(await entries(raw())).toEqual([]);
  });

  it('revoke() in one tab fires revoked and signedOut in the others', async () => {
    const endpoint = fakeEndpoint();
    const [a, b] = await twoSignedInTabs(endpoint);
    const bEvents = record(b, 'signedOut', 'revoked');
    await a.revoke();
    await vi.waitFor(() => expect(bEvents).toHaveLength(2));
    expect(bEvents).toEqual([
      ['revoked', { source: 'tab' }],
      ['signedOut', { source: 'tab' }],
    ]);
  });

  it('the last sign-in wins in every tab, even as another user', async () => {
    const endpoint = fakeEndpoint();
    const [a, b] = [openTab(endpoint), openTab(endpoint)];
    await a.setTokens(tokenResponse({ sub: 'ada' }));
    await vi.waitFor(() => expect(b.getSnapshot().claims?.sub).toBe('ada'));
    const aEvents = record(a, 'signedIn');
    await b.setTokens(tokenResponse({ sub: 'grace' }));
    await vi.waitFor(() => expect(a.getSnapshot().claims?.sub).toBe('grace'));
    expect(aEvents).toEqual([['signedIn', { source: 'tab' }]]);
    const reloaded = openTab(endpoint);
    await reloaded.ready;
    expect(reloaded.getSnapshot().claims?.sub).toBe('grace');
  });
});

describe('sign-out racing a sign-in', () => {
  it('a sign-in after a sign-out in another tab wins everywhere, on disk too', async () => {
    const endpoint = fakeEndpoint();
    const [a, b] = await twoSignedInTabs(endpoint);
    await a.signOut();
    clock += 10;
    await b.setTokens(tokenResponse({ sub: 'grace' }));
    await vi.waitFor(() => expect(a.getSnapshot().claims?.sub).toBe('grace'));
    await settle();
    const reloaded = openTab(endpoint);
    await reloaded.ready;
    expect(reloaded.getSnapshot().claims?.sub).toBe('grace');
  });

  it.each([1, 2, 3, 4, 5, 6])('run %i: a sign-out and a sign-in at the same moment: every tab and the disk agree', async () => {
    const endpoint = fakeEndpoint();
    const [a, b] = await twoSignedInTabs(endpoint);
    await Promise.all([a.signOut(), b.setTokens(tokenResponse({ sub: 'grace' }))]);
    await settle(60);
    await vi.waitFor(() => expect(a.getSnapshot().claims?.sub).toBe(b.getSnapshot().claims?.sub));
    await settle(60);
    const reloaded = openTab(endpoint);
    await reloaded.ready;
    expect(reloaded.getSnapshot().claims?.sub).toBe(a.getSnapshot().claims?.sub);
    expect(reloaded.getSnapshot().claims?.sub).toBe(b.getSnapshot().claims?.sub);
  });
});

describe('persist: memory', () => {
  it('a new tab gets the session from an open tab on request; closing the last tab ends it', async () => {
    const endpoint = fakeEndpoint();
    const a = openTab(endpoint, 'memory');
    await a.setTokens(tokenResponse({ sub: 'ada' }));
    const b = openTab(endpoint, 'memory');
    await b.ready;
    expect(b.getSnapshot().claims?.sub).toBe('ada');
    expect(await entries(raw())).toEqual([]);

    await b.refresh();
    await vi.waitFor(() => expect(a.getSnapshot().tokens).toEqual(b.getSnapshot().tokens));

    a.dispose();
    b.dispose();
    const later = openTab(endpoint, 'memory');
    await later.ready;
    expect(later.getSnapshot().status).toBe('signedOut');
  });
});

describe('offline', () => {
  it('makes no requests while offline, says expired, and refreshes once when back online', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    clock = Date.now();
    const endpoint = fakeEndpoint();
    const a = openTab(endpoint, 'memory');
    await vi.advanceTimersByTimeAsync(200);
    await a.setTokens(tokenResponse({ lifetime: 120 }));
    const events = record(a, 'expired', 'signedOut', 'refreshed');
    const online = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    for (let t = 0; t < 600; t += 5) {
      clock += 5_000;
      await vi.advanceTimersByTimeAsync(5_000);
    }
    expect(endpoint.fetch).not.toHaveBeenCalled();
    expect(events).toEqual([['expired', { expiresAt: expect.any(Number) }]]);
    expect(a.getSnapshot().status).toBe('signedIn');

    online.mockReturnValue(true);
    window.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(refreshes(endpoint)).toHaveLength(1));
    await settle();
    expect(events.map(([type]) => type)).toEqual(['expired', 'refreshed']);
  });
});

describe('storage faults while running', () => {
  it('the database deleted under a running session: it goes on, and the next write recreates it', async () => {
    const endpoint = fakeEndpoint();
    const a = openTab(endpoint);
    await a.setTokens(tokenResponse());
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase('tokenvault');
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
    expect(await a.getAccessToken()).toBeTruthy();
    await a.refresh();
    a.dispose();
    const reloaded = openTab(endpoint);
    await reloaded.ready;
    expect(reloaded.getSnapshot().tokens?.accessToken).toBe(a.getSnapshot().tokens?.accessToken);
  });

  it('the key deleted under a running session: the next write makes a new one', async () => {
    const endpoint = fakeEndpoint();
    const a = openTab(endpoint);
    await a.setTokens(tokenResponse());
    const oldKey = await get('key:app', raw());
    await set('key:app', undefined, raw());
    await a.refresh();
    expect(await get('key:app', raw())).not.toBe(oldKey);
    const reloaded = openTab(endpoint);
    await reloaded.ready;
    expect(reloaded.getSnapshot().status).toBe('signedIn');
  });

  it('another tab upgrading the database is not blocked, and the session keeps persisting', async () => {
    const endpoint = fakeEndpoint();
    const a = openTab(endpoint);
    await a.setTokens(tokenResponse());
    const upgraded = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('tokenvault', 5);
      request.onupgradeneeded = () => request.result.createObjectStore('something-else');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('blocked by the running session'));
    });
    upgraded.close();
    await a.refresh();
    const reloaded = openTab(endpoint);
    await reloaded.ready;
    expect(reloaded.getSnapshot().tokens?.accessToken).toBe(a.getSnapshot().tokens?.accessToken);
  });
});

describe('races', () => {
  it('setTokens() during a refresh wins over the refresh', async () => {
    const endpoint = fakeEndpoint();
    const a = openTab(endpoint);
    await a.setTokens(tokenResponse());
    const held = holdNextAnswer(endpoint);
    const refreshing = a.refresh().catch((e: unknown) => e);
    await held.requested;
    const signedInAgain = tokenResponse({ sub: 'grace' });
    await a.setTokens(signedInAgain);
    held.answer(json(200, tokenResponse({ sub: 'ada' })));
    await refreshing;
    await settle();
    expect(a.getSnapshot().tokens?.accessToken).toBe(signedInAgain.access_token);
    const reloaded = openTab(endpoint);
    await reloaded.ready;
    expect(reloaded.getSnapshot().claims?.sub).toBe('grace');
  });

  it('signOut() during a refresh: the late answer brings nothing back, in memory or on disk', async () => {
    const endpoint = fakeEndpoint();
    const a = openTab(endpoint);
    await a.setTokens(tokenResponse());
    const held = holdNextAnswer(endpoint);
    const refreshing = a.refresh().catch((e: unknown) => e);
    await held.requested;
    await a.signOut();
    held.answer(json(200, tokenResponse()));
    expect(await refreshing).toMatchObject({ code: 'aborted' });
    await settle();
    expect(a.getSnapshot().status).toBe('signedOut');
    expect(await entries(raw())).toEqual([]);
  });
});
