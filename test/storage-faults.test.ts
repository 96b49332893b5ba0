// Storage that misbehaves must never make a tab send a rotated-out refresh token: several "tabs"
// (sessions of one name in one page) against a provider with rotation and reuse detection.
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSession, oauth2, type Session, type SessionEvents, type TabChannel } from '../src/index.js';
import type { FetchLike } from '../src/providers/types.js';
import { faultyIndexedDB, record, rotatingEndpoint, settle, tokenResponse, type FakeEndpoint } from './helpers.js';

let tabs: Session[] = [];
let clock = Date.now();

type Endpoint = ReturnType<typeof rotatingEndpoint>;

/** The tabs' channel, whose deliveries a test can hold back for a moment (a busy or frozen tab). */
const channel = (() => {
  const members = new Set<(message: unknown) => void>();
  let held: Array<() => void> | undefined;
  return {
    open(): TabChannel {
      let mine: ((message: unknown) => void) | undefined;
      const me = (message: unknown): void => mine?.(message);
      members.add(me);
      return {
        post(message) {
          for (const other of members) {
            if (other === me) continue;
            const deliver = (): void => other(structuredClone(message));
            if (held) held.push(deliver);
            else setTimeout(deliver, 0);
          }
        },
        listen: (listener) => void (mine = listener),
        close: () => void members.delete(me),
      };
    },
    hold: () => void (held ??= []),
    release() {
      const waiting = held ?? [];
      held = undefined;
      for (const deliver of waiting) setTimeout(deliver, 0);
    },
  };
})();

/** Deletes the tokenvault database (as "clear site data" would) and waits until it is gone. */
const deleteDatabase = (): Promise<unknown> =>
  new Promise((resolve, reject) => Object.assign(indexedDB.deleteDatabase('tokenvault'), { onsuccess: resolve, onerror: reject }));

function openTab(endpoint: FakeEndpoint, indexedDB: IDBFactory = globalThis.indexedDB): Session {
  const tab = createSession({
    name: 'app',
    now: () => clock,
    provider: oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', fetch: endpoint.fetch }),
    ports: { storage: { indexedDB, subtle: crypto.subtle, origin: location.origin }, channel: channel.open },
  });
  tabs.push(tab);
  return tab;
}

function errorsOf(tab: Session): string[] {
  const codes: string[] = [];
  tab.on('error', ({ error }) => codes.push(error.code));
  return codes;
}

function forcedSignOuts(tab: Session): SessionEvents['signedOut'][] {
  const seen: SessionEvents['signedOut'][] = [];
  tab.on('signedOut', (event) => seen.push(event));
  return seen;
}

async function signedInTabs(endpoint: Endpoint, count: number, factories: IDBFactory[] = []): Promise<Session[]> {
  const opened = Array.from({ length: count }, (_, i) => openTab(endpoint, factories[i]));
  await Promise.all(opened.map((tab) => tab.ready));
  await opened[0]!.setTokens(tokenResponse({ lifetime: 600 }));
  for (const tab of opened) await vi.waitFor(() => expect(tab.getSnapshot().status).toBe('signedIn'));
  return opened;
}

/** Every tab's next refresh is due: the fake device clock moves past the refresh margin. */
const allDue = (): void => void (clock += 600_000 - 30_000);

function expectGrantIntact(endpoint: Endpoint): void {
  expect(endpoint.reuses).toEqual([]);
  expect(endpoint.grantAlive).toBe(true);
}

beforeEach(() => {
  clock = Date.now();
});
afterEach(() => {
  for (const tab of tabs) tab.dispose();
  tabs = [];
});

describe('a write that fails after a rotation (disk full)', () => {
  it('one tab: the session goes on, and after a reload the dead refresh token is not restored', async () => {
    const endpoint = rotatingEndpoint(600);
    const disk = faultyIndexedDB(globalThis.indexedDB);
    const [tab] = await signedInTabs(endpoint, 1, [disk.indexedDB]);
    const errors = errorsOf(tab!);
    disk.faults.quota = true;
    allDue();
    const token = await tab!.getAccessToken();
    expect(errors).toContain('storage_unavailable');
    expect(tab!.getSnapshot().status).toBe('signedIn');
    expect(await tab!.getAccessToken()).toBe(token);

    tab!.dispose();
    const reloaded = openTab(endpoint, disk.indexedDB);
    await reloaded.ready;
    // Restoring the record would bring back the rotated-out refresh token: it is gone instead.
    expect(reloaded.getSnapshot().status).toBe('signedOut');
    clock += 3600_000;
    await settle();
    expectGrantIntact(endpoint);
  });

  it('two tabs: the second takes the newest tokens from the first instead of the stale ones on disk', async () => {
    const endpoint = rotatingEndpoint(600);
    const disk = faultyIndexedDB(globalThis.indexedDB);
    const [a, b] = await signedInTabs(endpoint, 2, [disk.indexedDB, disk.indexedDB]);
    const outs = [forcedSignOuts(a!), forcedSignOuts(b!)];
    disk.faults.quota = true;
    allDue();
    const newest = await a!.getAccessToken();
    await vi.waitFor(() => expect(b!.getSnapshot().tokens?.accessToken).toBe(newest));
    // Both due again; whichever refreshes, the provider sees each refresh token once.
    allDue();
    await Promise.all([a!.getAccessToken(), b!.getAccessToken()]);
    await vi.waitFor(async () => expect(await a!.getAccessToken()).toBe(await b!.getAccessToken()));
    expectGrantIntact(endpoint);
    expect(outs.flat()).toEqual([]);
  });
  it('two tabs, one reloaded: it starts signed out, then takes the session from the tab that holds it', async () => {
    const endpoint = rotatingEndpoint(600);
    const disk = faultyIndexedDB(globalThis.indexedDB);
    const [a, b] = await signedInTabs(endpoint, 2, [disk.indexedDB, disk.indexedDB]);
    disk.faults.quota = true;
    allDue();
    await a!.getAccessToken();
    b!.dispose();
    const reloaded = openTab(endpoint, disk.indexedDB);
    await reloaded.ready;
    // The record went with the rotated-out refresh token; the newest session lives in tab a only.
    expect(reloaded.getSnapshot().status).toBe('signedOut');
    await a!.refresh();
    await vi.waitFor(() => expect(reloaded.getSnapshot().tokens?.accessToken).toBe(a!.getSnapshot().tokens?.accessToken));
    allDue();
    await reloaded.getAccessToken();
    expectGrantIntact(endpoint);
  });
  it('two tabs, one reloaded: it asks the open tabs at once for the session the disk could not keep', async () => {
    const endpoint = rotatingEndpoint(600);
    const disk = faultyIndexedDB(globalThis.indexedDB);
    const [a, b] = await signedInTabs(endpoint, 2, [disk.indexedDB, disk.indexedDB]);
    disk.faults.quota = true;
    allDue();
    await a!.getAccessToken();
    b!.dispose();
    const reloaded = openTab(endpoint, disk.indexedDB);
    const signIns = record(reloaded, 'signedIn');
    await reloaded.ready;
    // No refresh in between: the reloaded tab gets the session from tab a straight away.
    await vi.waitFor(() => expect(reloaded.getSnapshot().tokens?.accessToken).toBe(a!.getSnapshot().tokens?.accessToken));
    expect(signIns).toEqual([['signedIn', { source: 'tab' }]]);
    expectGrantIntact(endpoint);
  });
});

describe('the database deleted by another tab', () => {
  it('just after a refresh: the other tab gets the newest session from the refreshing one', async () => {
    const endpoint = rotatingEndpoint(600);
    const [a, b] = await signedInTabs(endpoint, 2);
    const outs = [forcedSignOuts(a!), forcedSignOuts(b!)];
    // The other tab hears of the refresh only once the database is gone.
    channel.hold();
    await a!.refresh();
    await deleteDatabase();
    channel.release();
    await vi.waitFor(() => expect(b!.getSnapshot().tokens?.accessToken).toBe(a!.getSnapshot().tokens?.accessToken));
    allDue();
    await Promise.all([a!.getAccessToken(), b!.getAccessToken()]);
    expectGrantIntact(endpoint);
    expect(outs.flat()).toEqual([]);
  });

  it('while the refresh is at the provider: nobody reuses a refresh token', async () => {
    const endpoint = rotatingEndpoint(600);
    const [a, b] = await signedInTabs(endpoint, 2);
    const outs = [forcedSignOuts(a!), forcedSignOuts(b!)];
    const answer = endpoint.fetch.getMockImplementation() as FetchLike;
    endpoint.fetch.mockImplementationOnce(async (url, init) => {
      await deleteDatabase();
      return answer(url, init);
    });
    await a!.refresh();
    allDue();
    await Promise.all([a!.getAccessToken(), b!.getAccessToken()]);
    await vi.waitFor(async () => expect(await a!.getAccessToken()).toBe(await b!.getAccessToken()));
    expectGrantIntact(endpoint);
    expect(outs.flat()).toEqual([]);
  });
});

describe('indexedDB.open that hangs in one of three tabs', () => {
  it('the hung tab never refreshes from its stale token', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const endpoint = rotatingEndpoint(600);
      const sick = faultyIndexedDB(globalThis.indexedDB);
      const [a, b, c] = await signedInTabs(endpoint, 3, [globalThis.indexedDB, globalThis.indexedDB, sick.indexedDB]);
      const outs = [a, b, c].map((tab) => forcedSignOuts(tab!));
      sick.faults.hangOpen = true;
      // Another tab upgrades the database: every connection closes, and the sick tab's reopen hangs.
      await new Promise((resolve) => (indexedDB.open('tokenvault', 99).onsuccess = (e) => resolve((e.target as IDBOpenDBRequest).result.close())));
      await a!.refresh();
      allDue();
      const calls = [c!.getAccessToken(), b!.getAccessToken()];
      // Every read in the sick tab waits out the storage timeout (10 s) before it asks the other tabs.
      for (let i = 0; i < 60; i++) {
        await vi.advanceTimersByTimeAsync(1_000);
        await settle(5);
      }
      await Promise.allSettled(calls);
      expectGrantIntact(endpoint);
      expect(outs.flat()).toEqual([]);
      expect(c!.getSnapshot().status).toBe('signedIn');
    } finally {
      vi.useRealTimers();
    }
  });
  it('the hung tab waits out the storage timeout once, not on every storage call under the lock', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const endpoint = rotatingEndpoint(600);
      const sick = faultyIndexedDB(globalThis.indexedDB);
      const [a, b] = await signedInTabs(endpoint, 2, [globalThis.indexedDB, sick.indexedDB]);
      sick.faults.hangOpen = true;
      await new Promise((resolve) => (indexedDB.open('tokenvault', 100).onsuccess = (e) => resolve((e.target as IDBOpenDBRequest).result.close())));
      allDue();
      // Read (hangs: 10 s), ask the tabs, refresh, write and delete the stale record (at once, now).
      let done = false;
      const refreshing = b!.refresh().finally(() => (done = true));
      for (let i = 0; i < 12 && !done; i++) {
        await vi.advanceTimersByTimeAsync(1_000);
        await settle(5);
      }
      expect(done).toBe(true);
      await refreshing;
      await vi.waitFor(() => expect(a!.getSnapshot().tokens?.accessToken).toBe(b!.getSnapshot().tokens?.accessToken));
      expectGrantIntact(endpoint);
    } finally {
      vi.useRealTimers();
    }
  });
  it('the record the hung tab could not replace is replaced by the others: a reload of every tab restores the newest session', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const endpoint = rotatingEndpoint(600);
      const sick = faultyIndexedDB(globalThis.indexedDB);
      const [a, b] = await signedInTabs(endpoint, 2, [globalThis.indexedDB, sick.indexedDB]);
      sick.faults.hangOpen = true;
      await new Promise((resolve) => (indexedDB.open('tokenvault', 101).onsuccess = (e) => resolve((e.target as IDBOpenDBRequest).result.close())));
      allDue();
      const refreshing = b!.refresh();
      for (let i = 0; i < 12; i++) {
        await vi.advanceTimersByTimeAsync(1_000);
        await settle(5);
      }
      await refreshing;
      const newest = b!.getSnapshot().tokens?.accessToken;
      await vi.waitFor(() => expect(a!.getSnapshot().tokens?.accessToken).toBe(newest));
      await vi.advanceTimersByTimeAsync(1_000);
      await settle(20);
      a!.dispose();
      b!.dispose();
      const reloaded = openTab(endpoint);
      await vi.advanceTimersByTimeAsync(1_000);
      await reloaded.ready;
      expect(reloaded.getSnapshot().tokens?.accessToken).toBe(newest);
      allDue();
      const token = reloaded.getAccessToken();
      await vi.advanceTimersByTimeAsync(1_000);
      await token;
      expectGrantIntact(endpoint);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('after a reload', () => {
  it('with storage gone for good, the user is cleanly signed out with storage_unavailable', async () => {
    const endpoint = rotatingEndpoint(600);
    const broken = faultyIndexedDB(new IDBFactory());
    broken.faults.hangOpen = true;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const tab = openTab(endpoint, broken.indexedDB);
      const errors = errorsOf(tab);
      await vi.advanceTimersByTimeAsync(11_000);
      await vi.advanceTimersByTimeAsync(1_000);
      await tab.ready;
      expect(tab.getSnapshot().status).toBe('signedOut');
      expect(errors).toEqual(['storage_unavailable']);
    } finally {
      vi.useRealTimers();
    }
  });
});
