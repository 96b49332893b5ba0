// DPoP (RFC 9449) through the public API: the key, the proofs on the sign-in, refresh and the app's
// own requests, nonces, and the key's lifetime. Proofs are checked with jose, independently of ours.
import { createStore, get } from 'idb-keyval';
import { calculateJwkThumbprint, compactVerify, EmbeddedJWK, type JWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { beginSignIn, cognito, completeSignIn, createSession, oauth2, TokenVaultError, type Session } from '../../src/index.js';
import { json, settle, tokenResponse } from '../helpers.js';

const TOKEN = 'https://id.example.test/token';
const REVOKE = 'https://id.example.test/revoke';
const AUTHORIZE = 'https://id.example.test/authorize';
const REDIRECT = 'https://app.example.test/callback';

interface Proof {
  header: { typ: string; alg: string; jwk: JWK };
  payload: { htm: string; htu: string; iat: number; jti: string; ath?: string; nonce?: string };
}

/** Verifies a proof's signature against its own `jwk` (jose) and returns what it says. */
async function readProof(proof: string): Promise<Proof> {
  const { payload, protectedHeader } = await compactVerify(proof, EmbeddedJWK);
  return { header: protectedHeader as unknown as Proof['header'], payload: JSON.parse(new TextDecoder().decode(payload)) as Proof['payload'] };
}

const sha256 = async (text: string): Promise<string> =>
  Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))).toString('base64url');

/** A token endpoint that records each request's DPoP header and answers from `queue`, else with DPoP-bound tokens. */
function dpopEndpoint() {
  const proofs: Array<string | null> = [];
  const urls: string[] = [];
  const queue: Response[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    urls.push(url);
    proofs.push(new Headers(init.headers).get('DPoP'));
    return queue.shift() ?? (url === REVOKE ? new Response('', { status: 200 }) : json(200, { ...tokenResponse(), token_type: 'DPoP' }));
  });
  return { proofs, urls, queue, fetch };
}

let sessions: Session[] = [];
function setUp(persist: 'indexeddb' | 'memory' = 'indexeddb') {
  const endpoint = dpopEndpoint();
  const provider = oauth2({ tokenEndpoint: TOKEN, revocationEndpoint: REVOKE, clientId: 'spa', fetch: endpoint.fetch, dpop: true });
  const session = createSession({ name: 'app', provider, persist });
  sessions.push(session);
  return { endpoint, provider, session };
}

/** beginSignIn, then the callback the provider would send back. */
async function begin(provider: ReturnType<typeof oauth2>) {
  const url = new URL(await beginSignIn(provider, { authorizationEndpoint: AUTHORIZE, redirectUri: REDIRECT, nonce: false }));
  const callback = new URL(REDIRECT);
  callback.searchParams.set('code', 'the-code');
  callback.searchParams.set('state', url.searchParams.get('state')!);
  return { jkt: url.searchParams.get('dpop_jkt'), callback: callback.href };
}

async function signedIn(persist: 'indexeddb' | 'memory' = 'indexeddb') {
  const setup = setUp(persist);
  const { jkt, callback } = await begin(setup.provider);
  await setup.session.setTokens(await completeSignIn(setup.provider, callback));
  return { ...setup, jkt };
}

const slotKeys = () => get<CryptoKeyPair>('slot:app:dpop', createStore('tokenvault', 'vault'));

beforeEach(() => sessionStorage.clear());
afterEach(() => {
  for (const session of sessions) session.dispose();
  sessions = [];
});

describe('oauth2({ dpop: true }) sign-in', () => {
  it('binds the code to the key (dpop_jkt) and proves that key at the exchange', async () => {
    const { jkt, endpoint, session } = await signedIn();
    expect(jkt).toMatch(/^[\w-]{43}$/);
    const { header, payload } = await readProof(endpoint.proofs[0]!);
    expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
    expect(header.jwk).not.toHaveProperty('d');
    expect(await calculateJwkThumbprint(header.jwk)).toBe(jkt);
    expect(payload).toMatchObject({ htm: 'POST', htu: TOKEN });
    expect(payload).not.toHaveProperty('ath');
    expect(Math.abs(payload.iat - Date.now() / 1000)).toBeLessThan(5);
    // The token type is recorded as the provider said it.
    expect(session.getSnapshot().tokens?.tokenType).toBe('DPoP');
  });

  it('keeps the key non-extractable in the vault and uses it for every refresh', async () => {
    const { jkt, endpoint, session } = await signedIn();
    await session.refresh();
    await session.refresh({ unless: undefined });
    expect(endpoint.proofs).toHaveLength(3);
    const proofs = await Promise.all(endpoint.proofs.map((proof) => readProof(proof!)));
    for (const { header } of proofs) expect(await calculateJwkThumbprint(header.jwk)).toBe(jkt);
    expect(new Set(proofs.map(({ payload }) => payload.jti)).size).toBe(3);
    const keys = (await slotKeys())!;
    expect(keys.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', keys.privateKey)).rejects.toThrow();
  });

  it('survives the redirect in a fresh page, also with persist: memory', async () => {
    const first = setUp('memory');
    const { jkt, callback } = await begin(first.provider);
    first.session.dispose();
    // The callback page: new objects, nothing in memory.
    const second = setUp('memory');
    await second.session.setTokens(await completeSignIn(second.provider, callback));
    expect(await calculateJwkThumbprint((await readProof(second.endpoint.proofs[0]!)).header.jwk)).toBe(jkt);
    expect(await slotKeys()).toBeUndefined();
  });

  it('gives each sign-in a key of its own', async () => {
    const { provider } = setUp();
    const one = await begin(provider);
    const two = await begin(provider);
    expect(one.jkt).not.toBe(two.jkt);
  });

  it('refuses a callback whose key is gone, and a provider no session was created with', async () => {
    const { provider } = setUp();
    const { callback } = await begin(provider);
    indexedDB.deleteDatabase('tokenvault-signin');
    await settle();
    await expect(completeSignIn(provider, callback)).rejects.toMatchObject({ code: 'invalid_state' });

    const alone = oauth2({ tokenEndpoint: TOKEN, clientId: 'spa', fetch: dpopEndpoint().fetch, dpop: true });
    const other = await begin(alone);
    await expect(completeSignIn(alone, other.callback)).rejects.toMatchObject({ code: 'invalid_config' });
  });

  it('leaves the key of a signed-in session alone when the exchange of a new sign-in fails', async () => {
    const { provider, endpoint, session, jkt } = await signedIn();
    const { callback } = await begin(provider);
    endpoint.queue.push(json(400, { error: 'invalid_grant' }));
    await expect(completeSignIn(provider, callback)).rejects.toMatchObject({ code: 'invalid_grant' });
    await session.refresh();
    expect(await calculateJwkThumbprint((await readProof(endpoint.proofs.at(-1)!)).header.jwk)).toBe(jkt);
  });

  it('shares the key with a tab that opens later, in persist: memory', async () => {
    const first = await signedIn('memory');
    const later = setUp('memory');
    await vi.waitFor(() => expect(later.session.getSnapshot().status).toBe('signedIn'));
    const proof = await later.provider.dpop!.proof('GET', 'https://api.example.test/');
    expect(await calculateJwkThumbprint((await readProof(proof)).header.jwk)).toBe(first.jkt);
    expect(await slotKeys()).toBeUndefined();
  });

  it('refuses to begin without IndexedDB to keep the key in, with storage_unavailable', async () => {
    const { provider } = setUp();
    const saved = globalThis.indexedDB;
    Reflect.deleteProperty(globalThis, 'indexedDB');
    try {
      const error = await begin(provider).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenVaultError);
      expect(error).toMatchObject({ code: 'storage_unavailable' });
    } finally {
      globalThis.indexedDB = saved;
    }
  });

  it('accepts and records a Bearer token response', async () => {
    const setup = setUp();
    setup.endpoint.queue.push(json(200, { ...tokenResponse(), token_type: 'Bearer' }));
    const { callback } = await begin(setup.provider);
    await setup.session.setTokens(await completeSignIn(setup.provider, callback));
    expect(setup.session.getSnapshot().tokens?.tokenType).toBe('Bearer');
  });
});

describe('provider.dpop.proof for requests the app makes itself', () => {
  it('signs htm and htu without query or fragment, and ath of the access token', async () => {
    const { provider, session, jkt } = await signedIn();
    const token = await session.getAccessToken();
    const proof = await provider.dpop!.proof('get', 'https://api.example.test/things?page=2#top', token);
    const { header, payload } = await readProof(proof);
    expect(await calculateJwkThumbprint(header.jwk)).toBe(jkt);
    expect(payload).toMatchObject({ htm: 'GET', htu: 'https://api.example.test/things', ath: await sha256(token) });
    expect(payload).not.toHaveProperty('nonce');
    expect(proof).not.toContain(token);
  });

  it('is refused with not_signed_in after sign-out, and the key is deleted with the session', async () => {
    const { provider, session } = await signedIn();
    expect(await slotKeys()).toBeDefined();
    await session.signOut();
    expect(await slotKeys()).toBeUndefined();
    const error = await provider.dpop!.proof('GET', 'https://api.example.test/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenVaultError);
    expect(error).toMatchObject({ code: 'not_signed_in' });
  });

  it('proves revocation with the key before the key goes', async () => {
    const { endpoint, session, jkt } = await signedIn();
    await session.revoke();
    expect(endpoint.urls.at(-1)).toBe(REVOKE);
    const { header, payload } = await readProof(endpoint.proofs.at(-1)!);
    expect(await calculateJwkThumbprint(header.jwk)).toBe(jkt);
    expect(payload.htu).toBe(REVOKE);
    expect(await slotKeys()).toBeUndefined();
  });
});

describe('server nonces', () => {
  it('retries a use_dpop_nonce refusal at the token endpoint once, with the nonce', async () => {
    const { endpoint, session } = await signedIn();
    endpoint.queue.push(json(400, { error: 'use_dpop_nonce' }, { 'DPoP-Nonce': 'n-1' }));
    await session.refresh();
    expect(endpoint.proofs).toHaveLength(3);
    expect((await readProof(endpoint.proofs[1]!)).payload.nonce).toBeUndefined();
    expect((await readProof(endpoint.proofs[2]!)).payload.nonce).toBe('n-1');
    expect(session.getSnapshot().status).toBe('signedIn');
  });

  it('retries only once, and not a 400 of another kind', async () => {
    const { endpoint, session } = await signedIn();
    endpoint.queue.push(
      json(400, { error: 'use_dpop_nonce' }, { 'DPoP-Nonce': 'n-1' }),
      json(400, { error: 'use_dpop_nonce' }, { 'DPoP-Nonce': 'n-2' }),
    );
    await expect(session.refresh()).rejects.toBeInstanceOf(TokenVaultError);
    expect(endpoint.proofs).toHaveLength(3);
    endpoint.queue.push(json(400, { error: 'invalid_dpop_proof' }, { 'DPoP-Nonce': 'n-3' }));
    await expect(session.refresh()).rejects.toBeInstanceOf(TokenVaultError);
    expect(endpoint.proofs).toHaveLength(4);
  });

  it('remembers the newest nonce per origin, from refusals and successes', async () => {
    const { provider, endpoint, session } = await signedIn();
    const dpop = provider.dpop!;
    const api = 'https://api.example.test/things';
    const refusal = new Response('', { status: 401, headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': 'api-1' } });
    expect(dpop.retryWithNonce(api, refusal)).toBe(true);
    expect((await readProof(await dpop.proof('GET', `${api}/1`))).payload.nonce).toBe('api-1');
    const ok = new Response('', { status: 200, headers: { 'DPoP-Nonce': 'api-2' } });
    expect(dpop.retryWithNonce(api, ok)).toBe(false);
    expect((await readProof(await dpop.proof('GET', api))).payload.nonce).toBe('api-2');
    // A 401 for another reason is no nonce refusal; another origin has its own nonce.
    const expired = new Response('', { status: 401, headers: { 'WWW-Authenticate': 'DPoP error="invalid_token"', 'DPoP-Nonce': 'api-3' } });
    expect(dpop.retryWithNonce(api, expired)).toBe(false);
    expect((await readProof(await dpop.proof('GET', 'https://other.example.test/'))).payload.nonce).toBeUndefined();
    // The token endpoint's nonce, from a successful answer, goes on its next proof.
    endpoint.queue.push(json(200, { ...tokenResponse(), token_type: 'DPoP' }, { 'DPoP-Nonce': 'as-1' }));
    await session.refresh();
    await session.refresh();
    expect((await readProof(endpoint.proofs.at(-1)!)).payload.nonce).toBe('as-1');
  });
});

describe('cognito', () => {
  it('refuses dpop: true with invalid_config', () => {
    expect(() => cognito({ region: 'eu-west-1', clientId: 'c', dpop: true as unknown as false })).toThrow(
      expect.objectContaining({ code: 'invalid_config' }),
    );
  });
});
