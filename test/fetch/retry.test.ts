// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../src/index.js';
import { fakeApi, signedInSession } from './support.js';

const sessions: Session[] = [];
afterEach(() => sessions.splice(0).forEach((session) => session.dispose()));

/** A signed-in session whose first token the API no longer accepts. */
async function withDeadToken() {
  const api = fakeApi();
  const signedIn = await signedInSession(api);
  sessions.push(signedIn.session);
  api.live.delete(signedIn.accessToken);
  return { api, ...signedIn };
}

describe('session.fetch on a 401', () => {
  it('invalid_token: refreshes once and retries once with the new token', async () => {
    const { api, session, provider, accessToken } = await withDeadToken();
    const response = await session.fetch('https://api.example.com/orders');
    expect(response.status).toBe(200);
    expect(provider.refresh).toHaveBeenCalledTimes(1);
    const sent = api.calls.map(({ request }) => request.headers.get('authorization'));
    expect(sent).toEqual([`Bearer ${accessToken}`, `Bearer ${session.getSnapshot().tokens!.accessToken}`]);
    expect(sent[1]).not.toBe(sent[0]);
  });

  it('20 parallel requests refused at once: one refresh, one retry each', async () => {
    const { api, session, provider } = await withDeadToken();
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => session.fetch(`https://api.example.com/item/${i}`)));
    expect(responses.map(({ status }) => status)).toEqual(Array(20).fill(200));
    expect(provider.refresh).toHaveBeenCalledTimes(1);
    expect(api.fetch).toHaveBeenCalledTimes(40);
    for (let i = 0; i < 20; i++) {
      expect(api.calls.filter(({ request }) => request.url.endsWith(`/item/${i}`))).toHaveLength(2);
    }
  });

  it('retries only once: a second 401 is returned as it is', async () => {
    const { api, session, provider } = await withDeadToken();
    api.live.add = () => api.live; // the API accepts no token at all
    const response = await session.fetch('https://api.example.com/orders');
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('no');
    expect(provider.refresh).toHaveBeenCalledTimes(1);
    expect(api.fetch).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['no WWW-Authenticate', {}],
    ['another error', { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' }],
    ['another scheme', { 'WWW-Authenticate': 'Basic realm="x", error="invalid_token"' }],
  ])('a 401 with %s is returned untouched, without a refresh', async (_, headers: Record<string, string>) => {
    const { api, session, provider } = await withDeadToken();
    const answer = new Response('', { status: 401, headers });
    api.fetch.mockResolvedValueOnce(answer);
    expect(await session.fetch('https://api.example.com/x')).toBe(answer);
    expect(provider.refresh).not.toHaveBeenCalled();
  });

  it.each([403, 404, 500, 503])('a %i is returned untouched', async (status) => {
    const { api, session, provider } = await withDeadToken();
    const answer = new Response('x', { status });
    api.fetch.mockResolvedValueOnce(answer);
    expect(await session.fetch('https://api.example.com/x')).toBe(answer);
    expect(provider.refresh).not.toHaveBeenCalled();
    expect(api.fetch).toHaveBeenCalledTimes(1);
  });

  it('a stream body is sent once: its 401 comes back as it is, with no refresh', async () => {
    const { api, session, provider } = await withDeadToken();
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    const response = await session.fetch('https://api.example.com/upload', { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(401);
    expect(provider.refresh).not.toHaveBeenCalled();
    expect(api.fetch).toHaveBeenCalledTimes(1);
    expect(await api.calls[0]!.request.text()).toBe('streamed');
  });

  it('network errors are the platform’s own TypeError, not wrapped', async () => {
    const { api, session } = await withDeadToken();
    const offline = new TypeError('Failed to fetch');
    api.fetch.mockRejectedValueOnce(offline);
    await expect(session.fetch('https://api.example.com/x')).rejects.toBe(offline);
  });

  it('an aborted signal is honoured: nothing is sent', async () => {
    const { api, session } = await withDeadToken();
    const controller = new AbortController();
    controller.abort();
    await expect(session.fetch('https://api.example.com/x', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(api.fetch).not.toHaveBeenCalled();
  });

  it('a signal aborted during the refresh stops the retry', async () => {
    const { api, session, provider } = await withDeadToken();
    const controller = new AbortController();
    provider.refresh.mockImplementationOnce(async () => {
      controller.abort();
      const { tokenResponse } = await import('../helpers.js');
      return tokenResponse();
    });
    await expect(session.fetch('https://api.example.com/x', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(api.fetch).toHaveBeenCalledTimes(1);
  });

  it('a failed refresh rejects with its TokenVaultError', async () => {
    const { session, provider } = await withDeadToken();
    const { TokenVaultError } = await import('../../src/index.js');
    provider.refresh.mockRejectedValueOnce(new TokenVaultError('invalid_grant', 'Refresh token revoked.'));
    await expect(session.fetch('https://api.example.com/x')).rejects.toMatchObject({ code: 'invalid_grant' });
    expect(session.getSnapshot().status).toBe('signedOut');
  });
});

describe('the retry is the same request', () => {
  it('keeps method, URL, headers, body, credentials, mode, cache, redirect, referrer policy, integrity and signal', async () => {
    const { api, session } = await withDeadToken();
    const controller = new AbortController();
    const init: RequestInit = {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-Trace': 'abc' },
      body: JSON.stringify({ n: 1 }),
      credentials: 'include',
      mode: 'cors',
      cache: 'no-store',
      redirect: 'error',
      referrerPolicy: 'no-referrer',
      integrity: 'sha256-abc',
      keepalive: false,
      signal: controller.signal,
    };
    expect((await session.fetch('https://api.example.com/orders/7?x=1', init)).status).toBe(200);
    const [first, retry] = api.calls.map(({ request }) => request);
    for (const request of [first!, retry!]) {
      expect(request.method).toBe('PUT');
      expect(request.url).toBe('https://api.example.com/orders/7?x=1');
      expect(request.headers.get('x-trace')).toBe('abc');
      expect(request.headers.get('content-type')).toBe('application/json');
      expect([request.credentials, request.mode, request.cache, request.redirect]).toEqual(['include', 'cors', 'no-store', 'error']);
      expect([request.referrerPolicy, request.integrity]).toEqual(['no-referrer', 'sha256-abc']);
      expect(await request.text()).toBe('{"n":1}');
    }
    controller.abort();
    expect(retry!.signal.aborted).toBe(true);
  });

  it('works from a Request with a body, and from a Request plus init', async () => {
    const { api, session } = await withDeadToken();
    const request = new Request('https://api.example.com/a', { method: 'POST', body: 'payload', headers: { 'X-A': '1' } });
    expect((await session.fetch(request)).status).toBe(200);
    expect((await session.fetch(new Request('https://api.example.com/b', { method: 'POST', body: 'x' }), { body: 'override' })).status).toBe(200);
    const bodies = await Promise.all(api.calls.map(({ request: sent }) => sent.text()));
    expect(bodies).toEqual(['payload', 'payload', 'override']);
    expect(api.calls.map(({ request: sent }) => sent.headers.get('x-a'))).toEqual(['1', '1', null]);
  });

  it('adds no header to the caller’s own Request object', async () => {
    const { session } = await withDeadToken();
    const request = new Request('https://api.example.com/a', { method: 'POST', body: 'payload' });
    await session.fetch(request);
    expect(request.headers.has('authorization')).toBe(false);
  });
});
