import { createStore, del, entries, get, set } from 'idb-keyval';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSession, oauth2, type Session, type SessionEvents } from '../src/index.js';
import { fakeEndpoint, jwt, settle, tokenResponse, useFakeClock, type FakeEndpoint } from './helpers.js';

let sessions: Session[] = [];
const raw = () => createStore('tokenvault', 'vault');

function open(endpoint: FakeEndpoint, name = 'app'): Session {
  const session = createSession({
    name,
    provider: oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', fetch: endpoint.fetch }),
  });
  sessions.push(session);
  return session;
}

function collect<K extends keyof SessionEvents>(session: Session, type: K): SessionEvents[K][] {
  const seen: SessionEvents[K][] = [];
  session.on(type, (event) => seen.push(event));
  return seen;
}

async function sealedBytes(name = 'app'): Promise<string> {
  const record = await get<{ iv: Uint8Array; data: ArrayBuffer }>(`record:${name}`, raw());
  if (record === undefined) throw new Error('no record');
  return Buffer.from(record.data).toString('latin1') + Buffer.from(record.iv).toString('latin1');
}

afterEach(() => {
  for (const session of sessions) session.dispose();
  sessions = [];
  vi.unstubAllGlobals();
});

describe('the sealed record', () => {
  it('restores after a reload without a network request', async () => {
    const endpoint = fakeEndpoint();
    const first = open(endpoint);
    const tokens = tokenResponse();
    await first.setTokens(tokens);
    first.dispose();

    const reloaded = open(endpoint);
    expect(reloaded.getSnapshot().status).toBe('loading');
    await reloaded.ready;
    expect(reloaded.getSnapshot().status).toBe('signedIn');
    expect(await reloaded.getAccessToken()).toBe(tokens.access_token);
    expect(reloaded.getSnapshot().tokens?.refreshToken).toBe(tokens.refresh_token);
    expect(endpoint.fetch).not.toHaveBeenCalled();
  });

  it('holds no token substring and differs on every write', async () => {
    const session = open(fakeEndpoint());
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const tokens = tokenResponse();
      await session.setTokens(tokens);
      const bytes = await sealedBytes();
      for (const token of [tokens.access_token, tokens.id_token, String(tokens.refresh_token)]) {
        expect(bytes).not.toContain(token.slice(0, 16));
        expect(bytes).not.toContain(token.slice(-16));
        expect(bytes).not.toContain(Buffer.from(token).toString('base64').slice(4, 24));
      }
      seen.add(bytes);
    }
    // Same tokens again: a fresh IV still makes a new record.
    const again = tokenResponse();
    await session.setTokens(again);
    const a = await sealedBytes();
    await session.setTokens(again);
    expect(await sealedBytes()).not.toBe(a);
    expect(seen.size).toBe(3);
  });

  it('keeps a non-extractable AES-GCM key', async () => {
    const session = open(fakeEndpoint());
    await session.setTokens(tokenResponse());
    const key = await get<CryptoKey>('key:app', raw());
    expect(key?.extractable).toBe(false);
    expect(key?.algorithm.name).toBe('AES-GCM');
    await expect(crypto.subtle.exportKey('raw', key!)).rejects.toThrow();
  });

  it.each([1, 10])('round-trips a %i MB token', async (megabytes) => {
    const session = open(fakeEndpoint());
    const big = tokenResponse({ pad: megabytes * 1024 * 1024 });
    await session.setTokens(big);
    session.dispose();
    const reloaded = open(fakeEndpoint());
    await reloaded.ready;
    const restored = await reloaded.getAccessToken();
    expect(restored.length).toBeGreaterThan(megabytes * 1024 * 1024);
    expect(restored).toBe(big.access_token);
  });

  it('signOut() leaves nothing in IndexedDB', async () => {
    const session = open(fakeEndpoint());
    await session.setTokens(tokenResponse());
    expect((await entries(raw())).length).toBe(2);
    await session.signOut();
    expect(await entries(raw())).toEqual([]);
  });

  it('never touches localStorage, sessionStorage or cookies', async () => {
    const writes = [
      vi.spyOn(Storage.prototype, 'setItem'),
      vi.spyOn(Storage.prototype, 'getItem'),
      vi.spyOn(document, 'cookie', 'set'),
    ];
    const endpoint = fakeEndpoint();
    const session = open(endpoint);
    await session.ready;
    await session.setTokens(tokenResponse());
    await session.refresh();
    await session.getAccessToken();
    session.dispose();
    const reloaded = open(endpoint);
    await reloaded.ready;
    await reloaded.revoke();
    for (const spy of writes) expect(spy).not.toHaveBeenCalled();
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(document.cookie).toBe('');
  });
});

describe('with the device clock set back while a tab is open', () => {
  it('a tab opened afterwards reads the expiry on its own clock', async () => {
    useFakeClock();
    try {
      const first = open(fakeEndpoint());
      await first.ready;
      vi.setSystemTime(Date.now() - 3600_000); // the first tab's clock keeps running from where it was
      await first.setTokens(tokenResponse({ lifetime: 600 }));
      expect(first.getSnapshot().expiresAt).toBe(Date.now() + 3600_000 + 600_000);
      const second = open(fakeEndpoint()); // opened after the change: its clock is the device's
      await second.ready;
      expect(second.getSnapshot().expiresAt).toBe(Date.now() + 600_000);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('a record that fails to open', () => {
  const tamperings: Array<[string, (name: string) => Promise<void>]> = [
    ['one altered byte', async (name) => {
      const record = await get<{ data: ArrayBuffer }>(`record:${name}`, raw());
      const bytes = new Uint8Array(record!.data.slice(0));
      bytes[Math.floor(bytes.length / 2)]! ^= 1;
      await set(`record:${name}`, { ...record, data: bytes.buffer }, raw());
    }],
    ['a truncated record', async (name) => {
      const record = await get<{ data: ArrayBuffer }>(`record:${name}`, raw());
      await set(`record:${name}`, { ...record, data: record!.data.slice(0, 40) }, raw());
    }],
    ['a record swapped in from another session name', async (name) => {
      const other = open(fakeEndpoint(), 'other');
      await other.setTokens(tokenResponse({ sub: 'mallory' }));
      other.dispose();
      await set(`record:${name}`, await get('record:other', raw()), raw());
      await set(`key:${name}`, await get('key:other', raw()), raw());
    }],
    ['a missing key', async (name) => del(`key:${name}`, raw())],
    ['a key replaced by another', async (name) => {
      const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      await set(`key:${name}`, key, raw());
    }],
    ['garbage in place of the record', async (name) => set(`record:${name}`, 'garbage', raw())],
    ['a record of another format version', async (name) => {
      const record = await get<object>(`record:${name}`, raw());
      await set(`record:${name}`, { ...record, v: 99 }, raw());
    }],
  ];

  it.each(tamperings)('%s: signed out, one record_tampered error, record gone', async (_what, tamper) => {
    const endpoint = fakeEndpoint();
    const first = open(endpoint);
    await first.setTokens(tokenResponse());
    first.dispose();
    await tamper('app');

    const reloaded = open(endpoint);
    const errors = collect(reloaded, 'error');
    await reloaded.ready;
    await settle();
    expect(reloaded.getSnapshot().status).toBe('signedOut');
    expect(errors.map((e) => e.error.code)).toEqual(['record_tampered']);
    expect(errors[0]?.error.message).toBe('The stored session could not be opened and was discarded.');
    expect(await get('record:app', raw())).toBeUndefined();
    await expect(reloaded.getAccessToken()).rejects.toMatchObject({ code: 'not_signed_in' });

    // A fresh sign-in works and persists again.
    await reloaded.setTokens(tokenResponse());
    reloaded.dispose();
    const again = open(endpoint);
    await again.ready;
    expect(again.getSnapshot().status).toBe('signedIn');
  });
});

describe('when storage is unavailable', () => {
  it('without IndexedDB, runs in memory and says so', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const session = open(fakeEndpoint());
    const errors = collect(session, 'error');
    await session.ready;
    expect(errors.map((e) => e.error.code)).toEqual(['storage_unavailable']);
    await session.setTokens(tokenResponse());
    expect(session.getSnapshot().status).toBe('signedIn');
    expect(await session.getAccessToken()).toBe(session.getSnapshot().tokens?.accessToken);
  });

  it('when IndexedDB refuses to open (private mode, blocked), runs in memory', async () => {
    const broken = {
      open() {
        throw new DOMException('The user denied permission to access the database.', 'InvalidStateError');
      },
    };
    vi.stubGlobal('indexedDB', broken);
    const session = open(fakeEndpoint());
    const errors = collect(session, 'error');
    await session.ready;
    expect(session.getSnapshot().status).toBe('signedOut');
    expect(errors.map((e) => e.error.code)).toEqual(['storage_unavailable']);
    await session.setTokens(tokenResponse());
    expect(session.getSnapshot().status).toBe('signedIn');
  });

  it('without WebCrypto, runs in memory', async () => {
    vi.stubGlobal('crypto', {});
    const session = open(fakeEndpoint());
    const errors = collect(session, 'error');
    await session.ready;
    await session.setTokens(tokenResponse());
    expect(errors.map((e) => e.error.code)).toEqual(['storage_unavailable']);
    expect(session.getSnapshot().status).toBe('signedIn');
  });

  it('a write that fails (quota) keeps the session; the next write recreates key and record', async () => {
    const session = open(fakeEndpoint());
    const errors = collect(session, 'error');
    await session.setTokens(tokenResponse());
    await del('key:app', raw());
    await del('record:app', raw());
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementationOnce(() => {
      throw new DOMException('Quota exceeded', 'QuotaExceededError');
    });
    await session.setTokens(tokenResponse());
    expect(errors.map((e) => e.error.code)).toEqual(['storage_unavailable']);
    expect(session.getSnapshot().status).toBe('signedIn');
    put.mockRestore();
    const latest = tokenResponse();
    await session.setTokens(latest);
    session.dispose();
    const reloaded = open(fakeEndpoint());
    await reloaded.ready;
    expect(await reloaded.getAccessToken()).toBe(latest.access_token);
  });
});

it('a token that is a JWT of the wrong shape for the record is never persisted', async () => {
  const session = open(fakeEndpoint());
  await expect(session.setTokens({ access_token: jwt({ exp: 'soon' }) })).rejects.toMatchObject({ code: 'invalid_token' });
  expect(await entries(raw())).toEqual([]);
});
