import { describe, expect, it, vi } from 'vitest';
import { createSession, oauth2, TokenVaultError } from '../../src/index.js';
import { json, record, tokenResponse } from '../helpers.js';

const endpoints = {
  tokenEndpoint: 'https://id.example.com/token',
  revocationEndpoint: 'https://id.example.com/revoke',
  clientId: 'spa-client',
};

function provider(answer: () => Response | Promise<Response>, extra: { scope?: string } = {}) {
  const fetch = vi.fn(async (_url: string, _init: RequestInit) => answer());
  return { fetch, provider: oauth2({ ...endpoints, ...extra, fetch }) };
}

describe('oauth2().refresh', () => {
  it('posts a form-encoded refresh_token grant to the token endpoint', async () => {
    const fresh = tokenResponse();
    const { fetch, provider: p } = provider(() => json(200, fresh), { scope: 'openid offline_access' });
    expect(await p.refresh('the-refresh-token')).toEqual(fresh);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe(endpoints.tokenEndpoint);
    expect(init.method).toBe('POST');
    expect(new Headers(init.headers).get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(init.credentials).toBe('omit');
    expect(Object.fromEntries(new URLSearchParams(String(init.body)))).toEqual({
      client_id: 'spa-client',
      grant_type: 'refresh_token',
      refresh_token: 'the-refresh-token',
      scope: 'openid offline_access',
    });
  });

  it.each([
    [400, { error: 'invalid_grant', error_description: 'grant request is invalid' }, 'invalid_grant'],
    [401, { error: 'invalid_grant' }, 'invalid_grant'],
    [400, { error: 'invalid_client' }, 'provider_error'],
    // RFC 6749 §5.2 error responses are 400 (401 for client authentication): invalid_grant at any
    // other status is a server's or a proxy's mistake, and signs nobody out.
    [301, { error: 'invalid_grant' }, 'invalid_response'],
    [307, { error: 'invalid_grant' }, 'invalid_response'],
    [403, { error: 'invalid_grant' }, 'provider_error'],
    [404, { error: 'invalid_grant' }, 'provider_error'],
    [429, { error: 'invalid_grant' }, 'rate_limited'],
    [500, { error: 'invalid_grant' }, 'server_error'],
    [501, { error: 'invalid_grant' }, 'server_error'],
    [503, { error: 'invalid_grant' }, 'server_error'],
    [401, 'not json at all', 'provider_error'],
    [429, { error: 'slow_down' }, 'rate_limited'],
    [429, {}, 'rate_limited'],
    [500, '<html>oops</html>', 'server_error'],
    [503, { error: 'temporarily_unavailable' }, 'server_error'],
  ] as const)('maps HTTP %i %j to %s', async (status, body, code) => {
    const { provider: p } = provider(() =>
      typeof body === 'string' ? new Response(body, { status }) : json(status, body, { 'retry-after': '7' }),
    );
    const error = await p.refresh('rt').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenVaultError);
    expect(error).toMatchObject({ code, status });
    if (typeof body !== 'string') expect((error as TokenVaultError).retryAfter).toBe(7);
  });

  it.each([
    ['', undefined],
    ['soon', undefined],
    ['-5', undefined],
    ['1e3', undefined],
    ['Wed, 21 Oct 2015 07:28:00 GMT', undefined],
    ['9'.repeat(40), undefined],
    ['120', 120],
  ])('reads Retry-After %j as %j', async (header, retryAfter) => {
    const { provider: p } = provider(() => json(503, {}, { 'retry-after': header }));
    expect(((await p.refresh('rt').catch((e: unknown) => e)) as TokenVaultError).retryAfter).toBe(retryAfter);
  });

  it('turns a failed fetch into a retryable network error', async () => {
    const { provider: p } = provider(() => {
      throw new TypeError('Failed to fetch');
    });
    const error = (await p.refresh('rt').catch((e: unknown) => e)) as TokenVaultError;
    expect(error.code).toBe('network');
    expect(error.retryable).toBe(true);
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it.each([
    ['an empty body', () => new Response('', { status: 200 })],
    ['HTML', () => new Response('<html></html>', { status: 200 })],
    ['JSON without access_token', () => json(200, { token_type: 'Bearer' })],
  ])('rejects a 200 with %s as invalid_response', async (_what, answer) => {
    const { provider: p } = provider(answer);
    await expect(p.refresh('rt')).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('never repeats a piece of the refresh token a provider echoes back (its first 32 or last 30 characters)', async () => {
    const secret = 'rt-SECRET-0123456789abcdefghijklmnopqrstuvwxyz';
    for (const piece of [secret.slice(0, 32), secret.slice(-30)]) {
      const { provider: p } = provider(() =>
        json(400, { error: 'invalid_request', error_description: `refresh token ${piece}... is malformed` }),
      );
      const error = (await p.refresh(secret).catch((e: unknown) => e)) as TokenVaultError;
      expect(error.message).toBe('The token request failed with HTTP 400 (invalid_request: refresh token [redacted]... is malformed).');
    }
  });

  it.each([
    ['a JWT it echoes', `token ${tokenResponse().access_token} is not valid`, undefined],
    ['a JWT too long to read to its end', `token eyJhbGciOiJub25lIn0x.${'p'.repeat(6000)}.sig`, undefined],
    ['a long run without dots (no JWT)', `${'w'.repeat(10_000)}`, `${'w'.repeat(200)}…`],
  ])('drops an error_description with %s, keeps the rest', async (_, description, shown) => {
    const { provider: p } = provider(() => json(400, { error: 'invalid_request', error_description: description }));
    const error = (await p.refresh('rt').catch((e: unknown) => e)) as TokenVaultError;
    expect(error.message).toBe(`The token request failed with HTTP 400 (invalid_request${shown ? `: ${shown}` : ''}).`);
  });

  it('does not follow a redirect, which would carry the refresh token on in the body', async () => {
    const { fetch, provider: p } = provider(() => json(200, tokenResponse()));
    await p.refresh('rt');
    expect(fetch.mock.calls[0]![1].redirect).toBe('manual');
  });

  it('never repeats the refresh token a provider echoes back', async () => {
    const secret = 'opaque-refresh-secret-42';
    const { provider: p } = provider(() =>
      json(400, { error: `bad_${secret}`, error_description: `refresh_token=${secret} is unknown` }),
    );
    const error = (await p.refresh(secret).catch((e: unknown) => e)) as TokenVaultError;
    expect(`${error.message} ${error.providerCode}`).not.toContain(secret);
    expect(error.message).toContain('[redacted]');
  });
});

describe('oauth2().revoke', () => {
  it('posts RFC 7009 revocation with a refresh_token hint', async () => {
    const { fetch, provider: p } = provider(() => new Response('', { status: 200 }));
    await p.revoke?.('rt-1');
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe(endpoints.revocationEndpoint);
    expect(Object.fromEntries(new URLSearchParams(String(init.body)))).toEqual({
      client_id: 'spa-client',
      token: 'rt-1',
      token_type_hint: 'refresh_token',
    });
  });

  it('reports a refused revocation', async () => {
    const { provider: p } = provider(() => json(400, { error: 'invalid_request' }));
    await expect(p.revoke?.('rt')).rejects.toMatchObject({ code: 'provider_error', providerCode: 'invalid_request' });
  });

  it('without a revocation endpoint, does nothing', async () => {
    const fetch = vi.fn();
    const p = oauth2({ tokenEndpoint: endpoints.tokenEndpoint, clientId: 'c', fetch });
    await p.revoke?.('rt');
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('oauth2() options', () => {
  it.each([
    [{ clientId: 'c' }],
    [{ tokenEndpoint: 'not a url', clientId: 'c' }],
    [{ tokenEndpoint: 'https://x/token', clientId: '' }],
    [{ tokenEndpoint: 'https://x/token', clientId: 'c', revocationEndpoint: '/relative' }],
    [{ tokenEndpoint: 'javascript:alert(1)', clientId: 'c' }],
    [{ tokenEndpoint: 'file:///etc/token', clientId: 'c' }],
  ])('rejects %j with invalid_config', (options) => {
    expect(() => oauth2(options as never)).toThrow(expect.objectContaining({ code: 'invalid_config' }));
  });
});

describe('a session with oauth2()', () => {
  async function signedIn(answer: Response) {
    const p = oauth2({ ...endpoints, fetch: async () => answer });
    const session = createSession({ name: 'oauth2-statuses', provider: p, persist: 'memory' });
    await session.setTokens(tokenResponse());
    return session;
  }

  it.each([301, 403, 500, 501, 503])('keeps the session when HTTP %i says invalid_grant', async (status) => {
    const session = await signedIn(json(status, { error: 'invalid_grant' }));
    const seen = record(session, 'revoked', 'signedOut');
    await expect(session.refresh()).rejects.not.toMatchObject({ code: 'invalid_grant' });
    expect(session.getSnapshot().status).toBe('signedIn');
    expect(seen).toEqual([]);
    session.dispose();
  });

  it('ends the session when HTTP 400 says invalid_grant', async () => {
    const session = await signedIn(json(400, { error: 'invalid_grant' }));
    const seen = record(session, 'revoked', 'signedOut');
    await expect(session.refresh()).rejects.toMatchObject({ code: 'invalid_grant' });
    expect(session.getSnapshot().status).toBe('signedOut');
    expect(seen.map(([type]) => type)).toEqual(['revoked', 'signedOut']);
    session.dispose();
  });
});
