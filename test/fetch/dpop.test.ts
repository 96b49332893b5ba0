// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DpopSigner, Session } from '../../src/index.js';
import { failure } from '../helpers.js';
import { fakeApi, fakeProvider, signedInSession } from './support.js';

const sessions: Session[] = [];
afterEach(() => sessions.splice(0).forEach((session) => session.dispose()));

/** A signer whose proofs are numbered, and whose nonce answer the test decides. */
function fakeSigner(retryWithNonce: (url: string, response: Response) => boolean = () => false) {
  let n = 0;
  return {
    proof: vi.fn(async (method: string, url: string, accessToken?: string) => `proof-${++n}-${method}-${url}-${accessToken ? 'ath' : ''}`),
    retryWithNonce: vi.fn(retryWithNonce),
  } satisfies DpopSigner;
}

async function dpopSession(signer: DpopSigner | undefined, tokenType = 'DPoP') {
  const api = fakeApi();
  const provider = { ...fakeProvider((token) => api.live.add(token), tokenType), ...(signer && { dpop: signer }) };
  const signedIn = await signedInSession(api, { provider, tokenType });
  sessions.push(signedIn.session);
  return { api, ...signedIn };
}

describe('session.fetch with DPoP-bound tokens', () => {
  it('sends Authorization: DPoP and a proof for the method, URL and token', async () => {
    const signer = fakeSigner();
    const { api, session, accessToken } = await dpopSession(signer);
    expect((await session.fetch('https://api.example.com/orders?page=2', { method: 'POST', body: 'x' })).status).toBe(200);
    const [sent] = api.calls;
    expect(sent!.request.headers.get('authorization')).toBe(`DPoP ${accessToken}`);
    expect(sent!.request.headers.get('dpop')).toBe('proof-1-POST-https://api.example.com/orders?page=2-ath');
    expect(signer.proof).toHaveBeenCalledWith('POST', 'https://api.example.com/orders?page=2', accessToken);
    expect(signer.retryWithNonce).toHaveBeenCalledTimes(1);
  });

  it('the token type is matched without regard to case', async () => {
    const signer = fakeSigner();
    const { api, session } = await dpopSession(signer, 'dpop');
    await session.fetch('https://api.example.com/x');
    expect(api.calls[0]!.request.headers.get('authorization')).toMatch(/^DPoP /);
  });

  it('a use_dpop_nonce answer is retried once with a fresh proof, apart from the 401 retry', async () => {
    // Asked once per answer: send 1 → yes, its retry (2) → read only, 3 → yes, its retry (4) → read only.
    const nonceDemands = [true, false, true, false];
    const signer = fakeSigner(() => nonceDemands.shift() ?? false);
    const { api, session, provider, accessToken } = await dpopSession(signer);
    api.live.delete(accessToken);
    // 1: nonce demanded → 2: 401 invalid_token → refresh → 3: nonce demanded → 4: accepted.
    expect((await session.fetch('https://api.example.com/x', { method: 'PUT', body: 'b' })).status).toBe(200);
    expect(provider.refresh).toHaveBeenCalledTimes(1);
    const proofs = api.calls.map(({ request }) => request.headers.get('dpop'));
    expect(new Set(proofs).size).toBe(4);
    expect(await Promise.all(api.calls.map(({ request }) => request.text()))).toEqual(['b', 'b', 'b', 'b']);
    expect(signer.retryWithNonce).toHaveBeenCalledTimes(4);
  });

  it('retries for a nonce only once per send, and reads the retry’s answer for its nonce too', async () => {
    const signer = fakeSigner(() => true);
    const { api, session } = await dpopSession(signer);
    await session.fetch('https://api.example.com/x');
    expect(api.fetch).toHaveBeenCalledTimes(2);
    expect(signer.retryWithNonce).toHaveBeenCalledTimes(2);
  });

  it('a stream body is sent once, even when a nonce is asked for (the nonce is still read)', async () => {
    const signer = fakeSigner(() => true);
    const { api, session } = await dpopSession(signer);
    const body = new ReadableStream({ start: (controller) => controller.close() });
    await session.fetch('https://api.example.com/x', { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(api.fetch).toHaveBeenCalledTimes(1);
    expect(signer.retryWithNonce).toHaveBeenCalledTimes(1);
  });

  it('a DPoP token without a signer: invalid_config, nothing sent', async () => {
    const { api, session } = await dpopSession(undefined);
    expect((await failure(session.fetch('https://api.example.com/x'))).code).toBe('invalid_config');
    expect(api.fetch).not.toHaveBeenCalled();
  });

  it('a signer with a Bearer token sends Bearer and no proof', async () => {
    const signer = fakeSigner();
    const { api, session } = await dpopSession(signer, 'Bearer');
    await session.fetch('https://api.example.com/x');
    expect(api.calls[0]!.request.headers.get('authorization')).toMatch(/^Bearer /);
    expect(api.calls[0]!.request.headers.has('dpop')).toBe(false);
    expect(signer.proof).not.toHaveBeenCalled();
  });

  it('no proof and no token for another origin', async () => {
    const signer = fakeSigner();
    const { api, session } = await dpopSession(signer);
    await session.fetch('https://elsewhere.example.net/x');
    expect(api.calls[0]!.request.headers.has('dpop')).toBe(false);
    expect(signer.proof).not.toHaveBeenCalled();
  });
});
