import { beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenVaultError } from '../../src/errors.js';
import { oauth2 } from '../../src/providers/oauth2.js';
import { beginSignIn, completeSignIn, type SignInOptions } from '../../src/providers/pkce.js';

const AUTHORIZE = 'https://id.example.test/authorize';
const REDIRECT = 'https://app.example.test/callback';
const options: SignInOptions = { authorizationEndpoint: AUTHORIZE, redirectUri: REDIRECT, scope: 'openid profile' };

function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Buffer.from(digest).toString('base64url');
}

function pendingKeys(): string[] {
  return Object.keys(sessionStorage).filter((key) => key.startsWith('tokenvault:'));
}

/** A provider whose token endpoint answers `answer` and records each form it got. */
function providerAnswering(answer: (form: URLSearchParams) => { status: number; body: unknown }) {
  const forms: URLSearchParams[] = [];
  const fetch = vi.fn(async (_url: string, init: RequestInit) => {
    const form = new URLSearchParams(String(init.body));
    forms.push(form);
    const { status, body } = answer(form);
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  });
  const provider = oauth2({ tokenEndpoint: 'https://id.example.test/token', clientId: 'spa', fetch });
  return { provider, forms, fetch };
}

/** Runs beginSignIn and builds the callback URL the provider would send back. */
async function roundTrip(signIn: SignInOptions = options, extra: Record<string, string> = {}) {
  const url = new URL(await beginSignIn({ clientId: 'spa' }, signIn));
  const callback = new URL(REDIRECT);
  callback.searchParams.set('code', 'the-code');
  callback.searchParams.set('state', url.searchParams.get('state') ?? '');
  for (const [name, value] of Object.entries(extra)) callback.searchParams.set(name, value);
  return { url, callback: callback.toString(), nonce: url.searchParams.get('nonce') };
}

async function rejection(promise: Promise<unknown>): Promise<TokenVaultError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenVaultError);
  return error as TokenVaultError;
}

beforeEach(() => {
  sessionStorage.clear();
});

describe('beginSignIn', () => {
  it('builds an S256 authorize URL and keeps the verifier only in sessionStorage', async () => {
    const url = new URL(await beginSignIn({ clientId: 'spa' }, options));
    expect(url.origin + url.pathname).toBe(AUTHORIZE);
    const q = url.searchParams;
    expect(q.get('client_id')).toBe('spa');
    expect(q.get('response_type')).toBe('code');
    expect(q.get('redirect_uri')).toBe(REDIRECT);
    expect(q.get('scope')).toBe('openid profile');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('state')).toMatch(/^[\w-]{22}$/);
    expect(q.get('nonce')).toMatch(/^[\w-]{22}$/);
    expect(q.has('code_verifier')).toBe(false);

    expect(pendingKeys()).toEqual([`tokenvault:signin:${q.get('state')}`]);
    const stored = JSON.parse(sessionStorage.getItem(pendingKeys()[0]!)!) as { verifier: string; nonce: string };
    expect(stored.verifier).toMatch(/^[\w-]{43}$/);
    expect(await sha256(stored.verifier)).toBe(q.get('code_challenge'));
    expect(stored.nonce).toBe(q.get('nonce'));
  });

  it('uses fresh randomness on every call', async () => {
    const a = new URL(await beginSignIn({ clientId: 'spa' }, options)).searchParams;
    const b = new URL(await beginSignIn({ clientId: 'spa' }, options)).searchParams;
    expect(a.get('state')).not.toBe(b.get('state'));
    expect(a.get('code_challenge')).not.toBe(b.get('code_challenge'));
    expect(pendingKeys()).toHaveLength(2);
  });

  it('takes the client id from an oauth2() provider', async () => {
    const { provider } = providerAnswering(() => ({ status: 500, body: {} }));
    const url = new URL(await beginSignIn(provider, options));
    expect(url.searchParams.get('client_id')).toBe('spa');
  });

  it('sends a nonce only for OpenID scopes unless told otherwise', async () => {
    const plain = new URL(await beginSignIn({ clientId: 'spa' }, { ...options, scope: 'api:read' }));
    expect(plain.searchParams.has('nonce')).toBe(false);
    const off = new URL(await beginSignIn({ clientId: 'spa' }, { ...options, nonce: false }));
    expect(off.searchParams.has('nonce')).toBe(false);
    const given = new URL(await beginSignIn({ clientId: 'spa' }, { ...options, nonce: 'n-123' }));
    expect(given.searchParams.get('nonce')).toBe('n-123');
    const fallback = new URL(await beginSignIn({ clientId: 'spa' }, { authorizationEndpoint: AUTHORIZE, redirectUri: REDIRECT }));
    expect(fallback.searchParams.get('scope')).toBe('openid');
  });

  it('adds extra parameters but never lets them replace state or PKCE', async () => {
    const url = new URL(
      await beginSignIn({ clientId: 'spa' }, { ...options, extraParams: { prompt: 'login', state: 'evil', code_challenge: 'x' } }),
    );
    expect(url.searchParams.get('prompt')).toBe('login');
    expect(url.searchParams.get('state')).not.toBe('evil');
    expect(url.searchParams.get('code_challenge')).not.toBe('x');
    expect(url.searchParams.getAll('state')).toHaveLength(1);
  });

  it('refuses relative URLs', async () => {
    const error = await rejection(beginSignIn({ clientId: 'spa' }, { ...options, redirectUri: '/callback' }));
    expect(error.code).toBe('invalid_config');
  });

  it('refuses a callback that is not a URL with invalid_config', async () => {
    const provider = oauth2({ tokenEndpoint: 'https://op.example/token', clientId: 'spa' });
    const error = await rejection(completeSignIn(provider, 'code=abc&state=xyz'));
    expect(error.code).toBe('invalid_config');
  });

  it('forgets sign-ins abandoned long ago', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await beginSignIn({ clientId: 'spa' }, options);
      vi.setSystemTime(Date.now() + 16 * 60_000);
      await beginSignIn({ clientId: 'spa' }, options);
      expect(pendingKeys()).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('completeSignIn', () => {
  it('exchanges the code with the verifier and returns the token response', async () => {
    const { callback, nonce } = await roundTrip();
    const stored = JSON.parse(sessionStorage.getItem(pendingKeys()[0]!)!) as { verifier: string };
    const idToken = jwt({ sub: 'alice', nonce });
    const { provider, forms } = providerAnswering(() => ({
      status: 200,
      body: { access_token: 'at', id_token: idToken, refresh_token: 'rt', expires_in: 300, token_type: 'Bearer' },
    }));

    const tokens = await completeSignIn(provider, callback);

    expect(tokens).toMatchObject({ access_token: 'at', refresh_token: 'rt', id_token: idToken });
    expect(Object.fromEntries(forms[0]!)).toEqual({
      client_id: 'spa',
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: REDIRECT,
      code_verifier: stored.verifier,
    });
    expect(pendingKeys()).toEqual([]);
  });

  it('reads the callback from location.href by default', async () => {
    const { callback } = await roundTrip({ ...options, nonce: false });
    const { provider, forms } = providerAnswering(() => ({ status: 200, body: { access_token: 'at', expires_in: 60 } }));
    const href = vi.spyOn(window, 'location', 'get').mockReturnValue(new URL(callback) as unknown as Location);
    await expect(completeSignIn(provider)).resolves.toMatchObject({ access_token: 'at' });
    expect(href).toHaveBeenCalled();
    expect(forms[0]!.get('code')).toBe('the-code');
  });

  it('refuses a reused callback with invalid_state, without calling the provider', async () => {
    const { callback } = await roundTrip({ ...options, nonce: false });
    const { provider, fetch } = providerAnswering(() => ({ status: 200, body: { access_token: 'at', expires_in: 60 } }));
    await completeSignIn(provider, callback);
    const error = await rejection(completeSignIn(provider, callback));
    expect(error.code).toBe('invalid_state');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('refuses a callback whose state this tab never issued', async () => {
    await roundTrip();
    const { provider, fetch } = providerAnswering(() => ({ status: 200, body: {} }));
    for (const url of [`${REDIRECT}?code=c&state=forged`, `${REDIRECT}?code=c`]) {
      expect((await rejection(completeSignIn(provider, url))).code).toBe('invalid_state');
    }
    expect(fetch).not.toHaveBeenCalled();
    expect(pendingKeys()).toHaveLength(1);
  });

  it('turns error= into authorization_error and ends that sign-in', async () => {
    const { url } = await roundTrip();
    const { provider, fetch } = providerAnswering(() => ({ status: 200, body: {} }));
    const callback = `${REDIRECT}?error=access_denied&error_description=End-User+aborted&state=${url.searchParams.get('state')}`;
    const error = await rejection(completeSignIn(provider, callback));
    expect(error.code).toBe('authorization_error');
    expect(error.providerCode).toBe('access_denied');
    expect(error.message).toContain('End-User aborted');
    expect(fetch).not.toHaveBeenCalled();
    expect(pendingKeys()).toEqual([]);
  });

  it('refuses a callback from another issuer (RFC 9207)', async () => {
    const { callback } = await roundTrip({ ...options, issuer: 'https://id.example.test' }, { iss: 'https://evil.example.test' });
    const { provider, fetch } = providerAnswering(() => ({ status: 200, body: {} }));
    expect((await rejection(completeSignIn(provider, callback))).code).toBe('invalid_state');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('accepts the matching issuer', async () => {
    const { callback } = await roundTrip({ ...options, nonce: false, issuer: 'https://id.example.test' }, { iss: 'https://id.example.test' });
    const { provider } = providerAnswering(() => ({ status: 200, body: { access_token: 'at', expires_in: 60 } }));
    await expect(completeSignIn(provider, callback)).resolves.toMatchObject({ access_token: 'at' });
  });

  it('refuses an ID token with another nonce, or none at all', async () => {
    for (const body of [
      { access_token: 'at', id_token: jwt({ sub: 'alice', nonce: 'other' }) },
      { access_token: 'at', id_token: jwt({ sub: 'alice' }) },
      { access_token: 'at' },
    ]) {
      const { callback } = await roundTrip();
      const { provider } = providerAnswering(() => ({ status: 200, body }));
      expect((await rejection(completeSignIn(provider, callback))).code).toBe('verification_failed');
    }
  });

  it('passes on the provider refusing the code', async () => {
    const { callback } = await roundTrip();
    const { provider } = providerAnswering(() => ({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'grant request is invalid' },
    }));
    const error = await rejection(completeSignIn(provider, callback));
    expect(error.code).toBe('invalid_grant');
    expect(error.message).not.toContain('the-code');
    expect(pendingKeys()).toEqual([]);
  });

  it('refuses a sign-in left pending too long', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { callback } = await roundTrip();
      vi.setSystemTime(Date.now() + 16 * 60_000);
      const { provider } = providerAnswering(() => ({ status: 200, body: {} }));
      expect((await rejection(completeSignIn(provider, callback))).code).toBe('invalid_state');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('appState', () => {
  const tokenAnswer = () => ({ status: 200, body: { access_token: 'at', expires_in: 60 } });

  it('comes back from completeSignIn() as it was given to beginSignIn(), stored with the verifier', async () => {
    const appState = { returnTo: '/orders?page=2#top', tab: 3, flags: [true, null], nested: { note: 'ünïcødé' }, gone: undefined };
    const { callback } = await roundTrip({ ...options, nonce: false, appState });
    expect(JSON.parse(sessionStorage.getItem(pendingKeys()[0]!)!)).toMatchObject({ appState: { returnTo: '/orders?page=2#top' } });
    const { provider } = providerAnswering(tokenAnswer);
    const result = await completeSignIn<typeof appState>(provider, callback);
    expect(result).toEqual({ access_token: 'at', expires_in: 60, appState: { returnTo: '/orders?page=2#top', tab: 3, flags: [true, null], nested: { note: 'ünïcødé' } } });
    expect(result.appState?.returnTo).toBe('/orders?page=2#top');
  });

  it('is absent when none was given, and never taken from the token endpoint\'s answer', async () => {
    const { callback } = await roundTrip({ ...options, nonce: false });
    const { provider } = providerAnswering(() => ({ status: 200, body: { access_token: 'at', expires_in: 60, appState: '/evil' } }));
    const result = await completeSignIn(provider, callback);
    expect('appState' in result).toBe(false);
  });

  it('may be any JSON value, null and false included', async () => {
    for (const appState of [null, false, 0, '', 'plain', [1, 'two']]) {
      const { callback } = await roundTrip({ ...options, nonce: false, appState });
      const { provider } = providerAnswering(tokenAnswer);
      expect((await completeSignIn(provider, callback)).appState).toEqual(appState);
    }
  });

  it.each<[string, unknown]>([
    ['a function', () => '/home'],
    ['a Date', new Date(0)],
    ['a Map', new Map([['a', 1]])],
    ['NaN', Number.NaN],
    ['Infinity inside', { n: Infinity }],
    ['a bigint', 10n],
    ['a symbol', Symbol('s')],
    ['undefined in an array', [undefined]],
    ['a cycle', (() => { const a: Record<string, unknown> = {}; a['self'] = a; return a; })()],
    ['nesting too deep for the stack', JSON.parse('['.repeat(20_000) + ']'.repeat(20_000)) as unknown],
  ])('is refused with invalid_config when it is %s, before anything is stored', async (_, appState) => {
    const error = await rejection(beginSignIn({ clientId: 'spa' }, { ...options, appState }));
    expect(error.code).toBe('invalid_config');
    expect(pendingKeys()).toEqual([]);
  });

  it('too large for sessionStorage gives storage_unavailable', async () => {
    const setItem = vi.spyOn(sessionStorage, 'setItem').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    try {
      const error = await rejection(beginSignIn({ clientId: 'spa' }, { ...options, appState: 'x'.repeat(1000) }));
      expect(error.code).toBe('storage_unavailable');
    } finally {
      // happy-dom's storage is a proxy that restoreMocks does not reach.
      setItem.mockRestore();
    }
  });
});

describe('completeSignIn() called twice (React StrictMode runs effects twice)', () => {
  it('gives the second call the same result, and exchanges the code once', async () => {
    const { callback } = await roundTrip({ ...options, nonce: false, appState: { returnTo: '/a' } });
    const { provider, fetch } = providerAnswering(() => ({ status: 200, body: { access_token: 'at', expires_in: 60 } }));
    const first = completeSignIn(provider, callback);
    const second = completeSignIn(provider, new URL(callback));
    const [a, b] = await Promise.all([first, second]);
    expect(b).toBe(a);
    expect(a.appState).toEqual({ returnTo: '/a' });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('gives both calls the same refusal', async () => {
    const { callback } = await roundTrip({ ...options, nonce: false });
    const { provider } = providerAnswering(() => ({ status: 400, body: { error: 'invalid_grant' } }));
    const [a, b] = await Promise.allSettled([completeSignIn(provider, callback), completeSignIn(provider, callback)]);
    expect(a).toMatchObject({ status: 'rejected', reason: { code: 'invalid_grant' } });
    expect(b).toEqual(a);
  });

  it('still refuses the callback once the first call is done', async () => {
    const { callback } = await roundTrip({ ...options, nonce: false });
    const { provider, fetch } = providerAnswering(() => ({ status: 200, body: { access_token: 'at', expires_in: 60 } }));
    await completeSignIn(provider, callback);
    expect((await rejection(completeSignIn(provider, callback))).code).toBe('invalid_state');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('still refuses a callback this tab did not start (another tab\'s, replayed here)', async () => {
    const { callback } = await roundTrip({ ...options, nonce: false });
    // What another tab sees: its own sessionStorage, without this sign-in.
    sessionStorage.clear();
    const { provider, fetch } = providerAnswering(() => ({ status: 200, body: { access_token: 'at', expires_in: 60 } }));
    const [a, b] = await Promise.allSettled([completeSignIn(provider, callback), completeSignIn(provider, callback)]);
    expect(a).toMatchObject({ status: 'rejected', reason: { code: 'invalid_state' } });
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 'invalid_state' } });
    expect(fetch).not.toHaveBeenCalled();
  });
});
