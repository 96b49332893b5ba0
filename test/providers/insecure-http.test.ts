// Tokens secured in transit: a plain http: endpoint is refused unless it is this machine
// (localhost, 127.0.0.0/8, [::1]) or the app says dangerouslyAllowInsecureHttp.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { beginSignIn, cognito, discover, oauth2, TokenVaultError } from '../../src/index.js';
import { failure } from '../helpers.js';

const LOOPBACK = ['http://localhost:8080/token', 'http://127.0.0.1/token', 'http://127.5.6.7:3000/token', 'http://[::1]:9000/token', 'http://127.1/token'];
const REMOTE = ['http://id.example.com/token', 'http://192.168.1.20:8080/token', 'http://0.0.0.0/token', 'http://localhost.example.com/token', 'http://127.0.0.1.nip.io/token'];

/** The error `build()` throws; fails the test if it does not throw one. */
function thrown(build: () => unknown): TokenVaultError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenVaultError);
    return error as TokenVaultError;
  }
  throw new Error('expected an error');
}

beforeEach(() => {
  sessionStorage.clear();
});

describe('oauth2()', () => {
  it.each(REMOTE)('refuses %s with invalid_config and says why', (tokenEndpoint) => {
    const error = thrown(() => oauth2({ tokenEndpoint, clientId: 'spa' }));
    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain('tokenEndpoint is plain http:');
    expect(error.message).toContain('unencrypted');
  });

  it.each(LOOPBACK)('takes %s (this machine)', (tokenEndpoint) => {
    expect(() => oauth2({ tokenEndpoint, revocationEndpoint: tokenEndpoint, clientId: 'spa' })).not.toThrow();
  });

  it('refuses a plain http: revocation endpoint elsewhere too', () => {
    const error = thrown(() => oauth2({ tokenEndpoint: 'https://id.example.com/token', revocationEndpoint: REMOTE[0], clientId: 'spa' }));
    expect(error.message).toContain('revocationEndpoint is plain http:');
  });

  it.each(REMOTE)('takes %s with dangerouslyAllowInsecureHttp', (tokenEndpoint) => {
    expect(() => oauth2({ tokenEndpoint, revocationEndpoint: tokenEndpoint, clientId: 'spa', dangerouslyAllowInsecureHttp: true })).not.toThrow();
  });
});

describe('cognito()', () => {
  it('refuses a plain http: endpoint or domain elsewhere', () => {
    expect(thrown(() => cognito({ clientId: 'c', endpoint: 'http://cognito.internal:9229/' })).code).toBe('invalid_config');
    expect(thrown(() => cognito({ clientId: 'c', domain: 'http://auth.example.com' })).code).toBe('invalid_config');
  });

  it('takes them on this machine, or with dangerouslyAllowInsecureHttp', () => {
    expect(cognito({ clientId: 'c', endpoint: 'http://127.0.0.1:9229/' }).endpoint).toBe('http://127.0.0.1:9229/');
    expect(cognito({ clientId: 'c', endpoint: 'http://cognito.internal:9229/', dangerouslyAllowInsecureHttp: true }).endpoint).toBe(
      'http://cognito.internal:9229/',
    );
    const hosted = cognito({ clientId: 'c', domain: 'http://auth.dev.internal', dangerouslyAllowInsecureHttp: true });
    expect(hosted.managedLogin?.tokenEndpoint).toBe('http://auth.dev.internal/oauth2/token');
  });
});

describe('discover()', () => {
  const documentFor = (issuer: string, tokenEndpoint = `${issuer}/token`) =>
    vi.fn(async () =>
      Response.json({ issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: tokenEndpoint }),
    );

  it('refuses a plain http: issuer elsewhere with invalid_config, before asking it anything', async () => {
    const fetch = documentFor('http://id.example.com');
    expect((await failure(discover('http://id.example.com', { fetch }))).code).toBe('invalid_config');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('takes a plain http: issuer on this machine, or with dangerouslyAllowInsecureHttp', async () => {
    await expect(discover('http://127.0.0.1:4000', { fetch: documentFor('http://127.0.0.1:4000') })).resolves.toMatchObject({
      tokenEndpoint: 'http://127.0.0.1:4000/token',
    });
    const fetch = documentFor('http://id.dev.internal');
    await expect(discover('http://id.dev.internal', { fetch, dangerouslyAllowInsecureHttp: true })).resolves.toMatchObject({
      tokenEndpoint: 'http://id.dev.internal/token',
    });
  });

  it('refuses a document that sends the tokens to a plain http: endpoint elsewhere', async () => {
    const fetch = documentFor('https://id.example.com', 'http://id.example.com/token');
    const error = await failure(discover('https://id.example.com', { fetch }));
    expect(error.code).toBe('invalid_response');
    expect(error.message).toContain('token_endpoint is plain http:');
  });
});

describe('beginSignIn()', () => {
  const signIn = { authorizationEndpoint: 'https://id.example.com/authorize', redirectUri: 'https://app.example.com/callback' };

  it('refuses a plain http: authorization endpoint or redirect URI elsewhere', async () => {
    for (const options of [
      { ...signIn, authorizationEndpoint: 'http://id.example.com/authorize' },
      { ...signIn, redirectUri: 'http://app.example.com/callback' },
    ]) {
      expect((await failure(beginSignIn({ clientId: 'spa' }, options))).code).toBe('invalid_config');
    }
    expect(Object.keys(sessionStorage)).toEqual([]);
  });

  it('takes them on this machine, an app scheme, or with dangerouslyAllowInsecureHttp', async () => {
    for (const options of [
      { authorizationEndpoint: 'http://localhost:4000/authorize', redirectUri: 'http://127.0.0.1:5173/callback' },
      { ...signIn, redirectUri: 'com.example.app:/callback' },
      { authorizationEndpoint: 'http://id.dev.internal/authorize', redirectUri: 'http://app.dev.internal/callback', dangerouslyAllowInsecureHttp: true },
    ]) {
      expect(new URL(await beginSignIn({ clientId: 'spa' }, options)).searchParams.get('redirect_uri')).toBe(options.redirectUri);
    }
  });
});
