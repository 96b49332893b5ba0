// What setTokens() makes of a token response's expiry, at the boundaries: a time that is not
// finite or already past is refused and changes nothing; a lifetime over ten years is cut to ten.
import { describe, expect, it } from 'vitest';
import { createSession, oauth2, type Session, type TokenResponse } from '../src/index.js';
import { MAX_LIFETIME_MS } from '../src/tokens.js';
import { failure, jwt, settle, tokenResponse } from './helpers.js';

const provider = oauth2({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', fetch: async () => new Response('', { status: 503 }) });
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

async function signedInSession(name = 'tokens'): Promise<Session> {
  const session = createSession({ name, provider });
  await session.ready;
  await session.setTokens(tokenResponse());
  return session;
}

/** A response whose expiry comes from the access token's claims alone. */
const byClaims = (claims: Record<string, unknown>): TokenResponse => ({ access_token: jwt({ sub: 'u', ...claims }), refresh_token: 'rt-claims-0123456789abcdef' });

describe('an expiry that is not a finite time, or already past', () => {
  it.each<[string, TokenResponse]>([
    ['exp: 1e306 (Infinity in ms)', byClaims({ exp: 1e306 })],
    ['exp: 0 with iat: 1e306 (-Infinity)', byClaims({ exp: 0, iat: 1e306 })],
    ['exp and iat both 1e306 (NaN)', byClaims({ exp: 1e306, iat: 1e306 })],
    ['expires_in: 1e306', { access_token: 'opaque', expires_in: 1e306 }],
    ['expires_in: "Infinity"', { access_token: 'opaque', expires_in: 'Infinity' }],
    ['expires_in: -1', { access_token: 'opaque', expires_in: -1 }],
    ['exp equal to iat', byClaims({ iat: 1_700_000_000, exp: 1_700_000_000 })],
    ['exp before iat', byClaims({ iat: 1_700_000_000, exp: 1_699_999_999 })],
    ['no iat and an exp in the past', byClaims({ exp: nowSeconds() - 1 })],
  ])('is refused with invalid_token and changes nothing: %s', async (_, response) => {
    const session = await signedInSession();
    const before = session.getSnapshot();
    const error = await failure(session.setTokens(response));
    expect(error.code).toBe('invalid_token');
    expect(session.getSnapshot()).toBe(before);
    session.dispose();
  });
});

describe('the longest lifetime', () => {
  it.each<[string, number, number]>([
    ['one millisecond', 0.001, 1],
    ['exactly ten years', MAX_LIFETIME_MS / 1000, MAX_LIFETIME_MS],
    ['ten years and a second', MAX_LIFETIME_MS / 1000 + 1, MAX_LIFETIME_MS],
    ['2^31 − 1 seconds ("never expires")', 2 ** 31 - 1, MAX_LIFETIME_MS],
    ['1e300 seconds', 1e300, MAX_LIFETIME_MS],
  ])('%s of expires_in gives a lifetime of %s… ms', async (_, expiresIn, lifetime) => {
    const session = createSession({ name: 'lifetimes', provider, persist: 'memory' });
    await session.setTokens({ access_token: 'opaque-access', expires_in: expiresIn });
    const { tokens } = session.getSnapshot();
    expect(tokens!.expiresAt - tokens!.receivedAt).toBe(lifetime);
    session.dispose();
  });

  it('counts from iat when the response has no expires_in, and cuts a centuries-away exp to ten years', async () => {
    const session = createSession({ name: 'lifetimes', provider, persist: 'memory' });
    await session.setTokens(byClaims({ iat: 1_000, exp: 1_000 + 3600 }));
    expect(session.getSnapshot().expiresAt! - session.getSnapshot().tokens!.receivedAt).toBe(3_600_000);
    await session.setTokens(byClaims({ iat: 1_000, exp: 1e200 }));
    expect(session.getSnapshot().expiresAt! - session.getSnapshot().tokens!.receivedAt).toBe(MAX_LIFETIME_MS);
    session.dispose();
  });

  it('a cut lifetime survives a reload: the sealed record opens to the same expiry', async () => {
    const first = createSession({ name: 'forever', provider });
    await first.ready;
    await first.setTokens({ access_token: 'opaque-forever', refresh_token: 'rt-forever-0123456789', expires_in: 2 ** 31 - 1 });
    const { expiresAt } = first.getSnapshot();
    first.dispose();
    const second = createSession({ name: 'forever', provider });
    await second.ready;
    await settle();
    expect(second.getSnapshot()).toMatchObject({ status: 'signedIn', expiresAt });
    second.dispose();
  });
});

describe('messages about claims', () => {
  it('name a wrong token_use claim without quoting its value', async () => {
    const planted = jwt({ sub: 'someone-else', secret: 'a token planted in a claim' });
    const session = createSession({ name: 'claims', provider, persist: 'memory' });
    const error = await failure(
      session.setTokens({ access_token: jwt({ sub: 'u', token_use: planted, exp: nowSeconds() + 60 }), expires_in: 60 }),
    );
    expect(error).toMatchObject({ code: 'invalid_token', message: `The access token's token_use claim is not "access".` });
    expect(error.message).not.toContain(planted.slice(0, 16));
    session.dispose();
  });
});

describe('a response that throws when read', () => {
  it('is refused with invalid_token', async () => {
    const session = createSession({ name: 'throws', provider, persist: 'memory' });
    const hostile = new Proxy({}, { has: () => true, get: () => { throw new Error('boom'); } });
    expect((await failure(session.setTokens(hostile as TokenResponse))).code).toBe('invalid_token');
    session.dispose();
  });
});
