import { describe, expect, it, vi } from 'vitest';
import { TokenVaultError } from '../../src/errors.js';
import { discover } from '../../src/providers/discovery.js';

const ISSUER = 'https://id.example.test';

function answering(status: number, body: unknown) {
  return vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify(body), { status }));
}

const document = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/auth`,
  token_endpoint: `${ISSUER}/token`,
  revocation_endpoint: `${ISSUER}/token/revocation`,
  jwks_uri: `${ISSUER}/jwks`,
};

describe('discover', () => {
  it('reads the endpoints from the well-known document', async () => {
    const fetch = answering(200, document);
    const metadata = await discover(`${ISSUER}/`, { fetch });
    expect(fetch.mock.calls[0]![0]).toBe(`${ISSUER}/.well-known/openid-configuration`);
    expect(metadata).toEqual({
      issuer: ISSUER,
      authorizationEndpoint: `${ISSUER}/auth`,
      tokenEndpoint: `${ISSUER}/token`,
      revocationEndpoint: `${ISSUER}/token/revocation`,
      jwksUri: `${ISSUER}/jwks`,
    });
  });

  it('refuses a document that names another issuer', async () => {
    const error = await discover(ISSUER, { fetch: answering(200, { ...document, issuer: 'https://evil.example.test' }) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TokenVaultError);
    expect((error as TokenVaultError).code).toBe('invalid_response');
  });

  it('refuses a document without a token endpoint', async () => {
    const { token_endpoint: _, ...partial } = document;
    await expect(discover(ISSUER, { fetch: answering(200, partial) })).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('maps HTTP failures to stable codes', async () => {
    await expect(discover(ISSUER, { fetch: answering(404, {}) })).rejects.toMatchObject({ code: 'provider_error', status: 404 });
    await expect(discover(ISSUER, { fetch: answering(503, {}) })).rejects.toMatchObject({ code: 'server_error' });
  });
});
