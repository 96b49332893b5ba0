import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { TokenVaultError } from '../src/errors.js';
import { failure } from './helpers.js';
import type { FetchLike } from '../src/providers/types.js';
import { createVerifier, type VerifierOptions } from '../src/verify.js';

const POOL = 'eu-west-1_TestPool1';
const ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;
const JWKS_URL = `${ISSUER}/.well-known/jwks.json`;
const CLIENT = 'client-1';

let signingKey: CryptoKey;
let otherKey: CryptoKey;
let jwks: { keys: JWK[] };

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' }] };
});

/** Serves the test JWKS at the pool's URL and counts the requests. */
function jwksFetch(): { fetch: FetchLike; urls: string[] } {
  const urls: string[] = [];
  const fetch: FetchLike = async (url) => {
    urls.push(url);
    if (url !== JWKS_URL) return new Response('not found', { status: 404 });
    return new Response(JSON.stringify(jwks), { status: 200, headers: { 'Content-Type': 'application/json' } });
  };
  return { fetch, urls };
}

const now = (): number => Math.floor(Date.now() / 1000);

function sign(claims: Record<string, unknown>, key: CryptoKey = signingKey, kid = 'key-1'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
}

const idClaims = (extra: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  sub: 'u-1',
  aud: CLIENT,
  token_use: 'id',
  'cognito:username': 'alice',
  'cognito:groups': ['admins'],
  iat: now(),
  exp: now() + 3600,
  ...extra,
});
const accessClaims = (extra: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  sub: 'u-1',
  client_id: CLIENT,
  token_use: 'access',
  scope: 'aws.cognito.signin.user.admin',
  jti: 'j-1',
  origin_jti: 'o-1',
  iat: now(),
  exp: now() + 3600,
  ...extra,
});

function verifier(extra: Partial<VerifierOptions> = {}) {
  const served = jwksFetch();
  return { ...served, verifier: createVerifier({ clientId: CLIENT, userPoolId: POOL, fetch: served.fetch, ...extra }) };
}

describe('createVerifier() for a Cognito pool', () => {
  it('verifies an ID token against the pool JWKS and returns its claims', async () => {
    const { verifier: v, urls } = verifier();
    const claims = await v.verifyIdToken(await sign(idClaims()));
    expect(claims).toMatchObject({ sub: 'u-1', 'cognito:username': 'alice', 'cognito:groups': ['admins'] });
    expect(urls).toEqual([JWKS_URL]);
  });

  it('verifies an access token by client_id (Cognito access tokens have no aud)', async () => {
    const { verifier: v } = verifier();
    expect(await v.verifyAccessToken(await sign(accessClaims()))).toMatchObject({ client_id: CLIENT, token_use: 'access' });
  });

  it('accepts the pool\'s UPDATED issuer (issuer-cognito-idp) too, with keys from the pool JWKS', async () => {
    const { verifier: v, urls } = verifier();
    const updated = `https://issuer-cognito-idp.eu-west-1.amazonaws.com/${POOL}`;
    await expect(v.verifyIdToken(await sign(idClaims({ iss: updated })))).resolves.toMatchObject({ iss: updated });
    expect(urls).toEqual([JWKS_URL]);
  });

  it('fetches the JWKS once for many tokens', async () => {
    const { verifier: v, urls } = verifier();
    await v.verifyIdToken(await sign(idClaims()));
    await v.verifyAccessToken(await sign(accessClaims()));
    await v.verifyIdToken(await sign(idClaims()));
    expect(urls).toHaveLength(1);
  });

  it('accepts a token expired by less than the leeway', async () => {
    const { verifier: v } = verifier();
    await expect(v.verifyAccessToken(await sign(accessClaims({ exp: now() - 5 })))).resolves.toBeDefined();
  });

  it.each<[string, () => Promise<string>, 'id' | 'access']>([
    ['an expired ID token', () => sign(idClaims({ exp: now() - 600 })), 'id'],
    ['an expired access token', () => sign(accessClaims({ exp: now() - 600 })), 'access'],
    ['another issuer', () => sign(idClaims({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' })), 'id'],
    ['another audience', () => sign(idClaims({ aud: 'client-2' })), 'id'],
    ['another client_id', () => sign(accessClaims({ client_id: 'client-2' })), 'access'],
    ['an access token offered as ID token', () => sign(accessClaims({ aud: CLIENT })), 'id'],
    ['an ID token offered as access token', () => sign(idClaims({ client_id: CLIENT })), 'access'],
    ['no token_use', () => sign(idClaims({ token_use: undefined })), 'id'],
    ['no exp', () => sign(accessClaims({ exp: undefined })), 'access'],
    ['a foreign signature under a known kid', () => sign(idClaims(), otherKey), 'id'],
    ['an unknown kid', () => sign(idClaims(), signingKey, 'key-9'), 'id'],
    ['several audiences without azp', () => sign(idClaims({ aud: [CLIENT, 'client-2'] })), 'id'],
  ])('rejects %s with verification_failed', async (_, make, kind) => {
    const { verifier: v } = verifier();
    const token = await make();
    const error = await failure(kind === 'id' ? v.verifyIdToken(token) : v.verifyAccessToken(token));
    expect(error.code).toBe('verification_failed');
    expect(error.message).not.toContain(token);
    expect(error.message).not.toContain(token.split('.')[1]!);
  });

  it('rejects alg none and HS256 tokens', async () => {
    const { verifier: v } = verifier();
    const part = (value: unknown): string => base64url.encode(JSON.stringify(value));
    const none = `${part({ alg: 'none' })}.${part(idClaims())}.`;
    expect((await failure(v.verifyIdToken(none))).code).toBe('verification_failed');
    const hmac = await new SignJWT(idClaims())
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .sign(new TextEncoder().encode('a-secret-that-is-long-enough-for-hs256!'));
    expect((await failure(v.verifyIdToken(hmac))).code).toBe('verification_failed');
  });

  it('rejects a tampered payload', async () => {
    const { verifier: v } = verifier();
    const [header, , signature] = (await sign(idClaims())).split('.');
    const forged = `${header}.${base64url.encode(JSON.stringify(idClaims({ 'cognito:groups': ['root'] })))}.${signature}`;
    expect((await failure(v.verifyIdToken(forged))).code).toBe('verification_failed');
  });

  it('checks the nonce when asked', async () => {
    const { verifier: v } = verifier();
    const token = await sign(idClaims({ nonce: 'n-1' }));
    await expect(v.verifyIdToken(token, { nonce: 'n-1' })).resolves.toBeDefined();
    expect((await failure(v.verifyIdToken(token, { nonce: 'n-2' }))).code).toBe('verification_failed');
  });

  it('rejects garbage and empty input', async () => {
    const { verifier: v } = verifier();
    expect((await failure(v.verifyIdToken('not-a-jwt'))).code).toBe('verification_failed');
    expect((await failure(v.verifyAccessToken(''))).code).toBe('verification_failed');
  });

  it('reports an unreachable JWKS as network, not as a bad token', async () => {
    const fetch: FetchLike = () => Promise.reject(new TypeError('Failed to fetch'));
    const v = createVerifier({ clientId: CLIENT, userPoolId: POOL, fetch });
    const error = await failure(v.verifyIdToken(await sign(idClaims())));
    expect(error.code).toBe('network');
    expect(error.retryable).toBe(true);
  });

  it('a JWKS endpoint answering 404 fails verification', async () => {
    const fetch: FetchLike = async () => new Response('nope', { status: 404 });
    const v = createVerifier({ clientId: CLIENT, userPoolId: POOL, fetch });
    expect((await failure(v.verifyIdToken(await sign(idClaims())))).code).toBe('verification_failed');
  });
});

describe('createVerifier() for emulators and other OIDC issuers', () => {
  it('takes issuer and jwksUri explicitly (cognito-local)', async () => {
    const issuer = `http://localhost:9229/${POOL}`;
    const { fetch, urls } = jwksFetch();
    const v = createVerifier({ clientId: CLIENT, userPoolId: POOL, issuer, jwksUri: JWKS_URL, fetch });
    await v.verifyAccessToken(await sign(accessClaims({ iss: issuer })));
    expect(urls).toEqual([JWKS_URL]);
  });

  it('verifies a generic OIDC ID token without token_use', async () => {
    const issuer = 'https://id.example.com';
    const fetch: FetchLike = async (url) =>
      url === 'https://id.example.com/.well-known/jwks.json'
        ? new Response(JSON.stringify(jwks), { status: 200 })
        : new Response('', { status: 404 });
    const v = createVerifier({ clientId: CLIENT, issuer: `${issuer}/`, fetch });
    const token = await sign({ iss: issuer, sub: 's', aud: [CLIENT, 'api'], azp: CLIENT, iat: now(), exp: now() + 60 });
    await expect(v.verifyIdToken(token)).resolves.toMatchObject({ azp: CLIENT });
    // A token_use that is present must still match.
    const wrong = await sign({ iss: issuer, sub: 's', aud: CLIENT, token_use: 'access', iat: now(), exp: now() + 60 });
    expect((await failure(v.verifyIdToken(wrong))).code).toBe('verification_failed');
  });

  it('needs a clientId and an issuer or pool', () => {
    expect(() => createVerifier({ clientId: '', issuer: 'https://id.example.com' })).toThrow(
      expect.objectContaining({ code: 'invalid_config' }) as Error,
    );
    expect(() => createVerifier({ clientId: CLIENT })).toThrow(expect.objectContaining({ code: 'invalid_config' }) as Error);
    expect(() => createVerifier({ clientId: CLIENT, userPoolId: 'x_1', region: 'evil.example/#' })).toThrow(
      expect.objectContaining({ code: 'invalid_config' }) as Error,
    );
  });
});
