import { describe, expect, it } from 'vitest';
import { saysInvalidToken } from '../../src/fetch/challenge.js';

describe('WWW-Authenticate: invalid_token', () => {
  it.each([
    'Bearer error="invalid_token"',
    'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
    'bearer error=invalid_token',
    'DPoP algs="ES256", error="invalid_token"',
    'Basic realm="x", Bearer error="invalid_token"',
    'Negotiate abc123==, Bearer realm="a, b", error="invalid_token"',
  ])('%s: refused token', (header) => expect(saysInvalidToken(header)).toBe(true));

  it.each([
    null,
    '',
    'Bearer',
    'Bearer realm="api"',
    'Bearer error="insufficient_scope"',
    'Bearer error_description="error=invalid_token"',
    'Basic error="invalid_token"',
    'Bearer realm="x", Basic error="invalid_token"',
    'DPoP error="use_dpop_nonce"',
    'Bearerx error="invalid_token"',
  ])('%j: not a refused token', (header) => expect(saysInvalidToken(header)).toBe(false));
});
