// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSession, type Session } from '../../src/index.js';
import { failure } from '../helpers.js';
import { fakeApi, fakeProvider, signedInSession } from './support.js';

const sessions: Session[] = [];
afterEach(() => sessions.splice(0).forEach((session) => session.dispose()));

describe('allowed origins', () => {
  it.each([
    'https://api.example.com/v1',
    'https://api.example.com/?x=1',
    'https://api.example.com/#x',
    'https://*.example.com',
    '*',
    'api.example.com',
    '//api.example.com',
    'https://user:pass@api.example.com',
    'http://api.example.com',
    'ftp://api.example.com',
    'javascript:alert(1)',
    'null',
    '',
  ])('refuses %j with invalid_config at createSession', (origin) => {
    let error: unknown;
    try {
      createSession({ provider: fakeProvider(() => undefined), persist: 'memory', origins: [origin] });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ name: 'TokenVaultError', code: 'invalid_config' });
  });

  it('refuses origins that are not an array', () => {
    const origins = 'https://api.example.com' as unknown as string[];
    expect(() => createSession({ provider: fakeProvider(() => undefined), persist: 'memory', origins })).toThrow(
      expect.objectContaining({ code: 'invalid_config' }),
    );
  });

  it.each([
    ['https://API.Example.com:443/', 'https://api.example.com/orders'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080/x'],
    ['http://localhost:3000', 'http://localhost:3000/x'],
    ['https://[::1]:8443', 'https://[::1]:8443/x'],
  ])('accepts %j (normalised) and sends the token to %s', async (origin, url) => {
    const api = fakeApi();
    const { session, accessToken } = await signedInSession(api, { origins: [origin] });
    sessions.push(session);
    expect((await session.fetch(url)).status).toBe(200);
    expect(api.calls[0]!.request.headers.get('authorization')).toBe(`Bearer ${accessToken}`);
  });

  it('matches scheme, host and port exactly; no suffix, prefix or userinfo tricks', async () => {
    const api = fakeApi();
    const { session, accessToken } = await signedInSession(api);
    sessions.push(session);
    const allowed = ['https://api.example.com/orders', 'https://api.example.com:443/x?y', 'https://API.EXAMPLE.COM/', new URL('https://api.example.com/u')];
    const others = [
      'https://api.example.com.evil.net/orders',
      'https://evilapi.example.com/',
      'https://example.com/',
      'https://api.example.com:8443/',
      'http://api.example.com/',
      'https://evil.net/https://api.example.com/',
      'https://evil.net/?u=https://api.example.com',
    ];
    for (const url of [...allowed, ...others]) await session.fetch(url);
    const sent = api.calls.map(({ request }) => request.headers.get('authorization'));
    expect(sent).toEqual([...allowed.map(() => `Bearer ${accessToken}`), ...others.map(() => null)]);
    // User info in the URL: the host is evil.net, and the platform refuses such a request anyway.
    await expect(session.fetch('https://api.example.com@evil.net/')).rejects.toBeInstanceOf(TypeError);
    await expect(session.fetch('https://u@api.example.com/')).rejects.toBeInstanceOf(TypeError);
    expect(api.calls).toHaveLength(sent.length);
  });

  it('sends requests to other origins exactly as given, not even with a token the app put there', async () => {
    const api = fakeApi();
    const { session } = await signedInSession(api);
    sessions.push(session);
    const init = { method: 'POST', body: 'x', headers: { 'X-Trace': '1', Authorization: 'Bearer the-apps-own' } };
    await session.fetch('https://other.example.net/', init);
    const request = new Request('https://cdn.example.net/a');
    await session.fetch(request);
    expect(api.fetch.mock.calls).toEqual([['https://other.example.net/', init], [request, undefined]]);
  });

  it('without a fetch port, sends with the global fetch of the moment', async () => {
    const api = fakeApi();
    const { session, accessToken } = await signedInSession(api, { ports: { fetch: undefined } });
    sessions.push(session);
    // Installed after the session was created: looked up at call time.
    vi.stubGlobal('fetch', api.fetch);
    try {
      expect((await session.fetch('https://api.example.com/x')).status).toBe(200);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(api.calls[0]!.request.headers.get('authorization')).toBe(`Bearer ${accessToken}`);
  });

  it('has no page origin outside a browser: a relative URL is the platform TypeError, and nothing is sent', async () => {
    const api = fakeApi();
    const { session } = await signedInSession(api);
    sessions.push(session);
    await expect(session.fetch('/api/orders')).rejects.toBeInstanceOf(TypeError);
    expect(api.fetch).not.toHaveBeenCalled();
  });

  it('leaves an Authorization header the app set itself alone', async () => {
    const api = fakeApi();
    const { session, provider } = await signedInSession(api);
    sessions.push(session);
    const response = await session.fetch('https://api.example.com/x', { headers: { Authorization: 'Basic YTpi' } });
    expect(response.status).toBe(401);
    expect(api.calls.map(({ request }) => request.headers.get('authorization'))).toEqual(['Basic YTpi']);
    expect(provider.refresh).not.toHaveBeenCalled();
  });

  it('signed out: rejects with not_signed_in and sends nothing', async () => {
    const api = fakeApi();
    const { session } = await signedInSession(api);
    sessions.push(session);
    await session.signOut();
    expect((await failure(session.fetch('https://api.example.com/x'))).code).toBe('not_signed_in');
    expect(api.fetch).not.toHaveBeenCalled();
  });
});
