/**
 * `tokenvault/verify`: signature and claim verification of ID and access
 * tokens against the issuer's JWKS. A separate entry point so that apps that
 * do not verify in the browser do not ship it.
 *
 * Verifying in the browser is defence in depth (a tampered or mixed-up token
 * is caught before the app trusts its claims), not authorization: the API
 * that receives the access token must verify it itself.
 */
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { TokenVaultError } from './errors.js';
import { isRegion, regionOfPool, serviceOrigin } from './providers/cognito-pool.js';
// Types from the core's entry, so the declarations import them from `tokenvault` rather than copy them.
import type { Claims, FetchLike } from './index.js';

/** Options of a verifier: a Cognito pool (`region` + `userPoolId`) or any OIDC issuer (`issuer`, `jwksUri`). */
export interface VerifierOptions {
  /** The app client id: the ID token's `aud` and the access token's `client_id`. */
  clientId: string;
  /** The Cognito user pool id, e.g. `eu-west-1_AbCdEf123`; gives issuer and JWKS and makes `token_use` required. */
  userPoolId?: string;
  /** The AWS region; read from `userPoolId` when omitted. */
  region?: string;
  /** The expected `iss`; overrides the pool's (both its original and its UPDATED issuer are accepted by default). */
  issuer?: string;
  /** The JWKS URL; default `{issuer}/.well-known/jwks.json`. */
  jwksUri?: string;
  /** Accepted signing algorithms. Default: `RS256` for Cognito, else whatever the JWKS keys allow. */
  algorithms?: string[];
  /** Leeway in seconds for `exp`, `nbf` and `iat`. Default 30. */
  clockTolerance?: number;
  /** Require `token_use` (Cognito) rather than only checking it when present. Default: true when `userPoolId` is given. */
  requireTokenUse?: boolean;
  /** A fetch for the JWKS request instead of the global one. */
  fetch?: FetchLike;
  /** A key resolver instead of the remote JWKS (tests, pinned keys). */
  keys?: JWTVerifyGetKey;
}

/** Checks the token's signature and claims and returns its claims, or throws `verification_failed`. */
export interface Verifier {
  /** Verifies an ID token: `iss`, `aud` (and `azp` when there are several audiences), `token_use: id`, `exp`, and `nonce` when given. */
  verifyIdToken(token: string, checks?: { nonce?: string }): Promise<Claims>;
  /** Verifies an access token: `iss`, `client_id`, `token_use: access`, `exp`. */
  verifyAccessToken(token: string): Promise<Claims>;
}

function fail(message: string, cause?: unknown): TokenVaultError {
  return new TokenVaultError('verification_failed', message, cause === undefined ? {} : { cause });
}

/** The accepted `iss` values; a pool's tokens carry the original issuer, or the UPDATED one once the pool switched. */
function issuersOf(options: VerifierOptions): [string, ...string[]] {
  if (options.issuer !== undefined) return [options.issuer.replace(/\/+$/, '')];
  const region = options.region ?? (options.userPoolId === undefined ? undefined : regionOfPool(options.userPoolId));
  if (options.userPoolId === undefined || region === undefined || !isRegion(region)) {
    throw new TokenVaultError('invalid_config', 'createVerifier(): give userPoolId (and region) or issuer.');
  }
  return [`${serviceOrigin(region)}/${options.userPoolId}`, `${serviceOrigin(region, 'issuer-cognito-idp')}/${options.userPoolId}`];
}

/** What jose threw, as a TokenVaultError. An unreachable JWKS is `network`: the token may be fine. */
function verificationError(error: unknown): TokenVaultError {
  if (error instanceof TokenVaultError) return error;
  if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
    return new TokenVaultError('network', 'The signing keys (JWKS) could not be fetched.', { cause: error });
  }
  // jose's messages name the failed check (`"exp" claim timestamp check failed`) and never the token.
  return fail(`Token verification failed: ${error.message}`, error);
}

/** Creates a verifier that fetches the issuer's JWKS once and caches it (jose's cache, refetched on an unknown `kid`). */
export function createVerifier(options: VerifierOptions): Verifier {
  if (typeof options?.clientId !== 'string' || options.clientId === '') {
    throw new TokenVaultError('invalid_config', 'createVerifier(): clientId is required.');
  }
  const issuers = issuersOf(options);
  const cognitoPool = options.userPoolId !== undefined;
  const requireTokenUse = options.requireTokenUse ?? cognitoPool;
  let keys = options.keys;
  const getKeys = (): JWTVerifyGetKey => {
    if (keys !== undefined) return keys;
    const url = new URL(options.jwksUri ?? `${issuers[0]}/.well-known/jwks.json`);
    const given = options.fetch;
    keys = createRemoteJWKSet(url, given === undefined ? {} : { [customFetch]: (input, init) => given(input, init) });
    return keys;
  };
  const base: JWTVerifyOptions = {
    issuer: issuers,
    clockTolerance: options.clockTolerance ?? 30,
    requiredClaims: ['exp'],
    ...(options.algorithms !== undefined
      ? { algorithms: options.algorithms }
      : cognitoPool
        ? { algorithms: ['RS256'] }
        : {}),
  };

  function checkTokenUse(claims: Claims, expected: 'id' | 'access'): void {
    const use = claims['token_use'];
    if (use === undefined && !requireTokenUse) return;
    if (use !== expected) throw fail(`The token's token_use is not "${expected}".`);
  }

  async function verify(token: string, extra: JWTVerifyOptions): Promise<Claims> {
    if (typeof token !== 'string' || token === '') throw fail('There is no token to verify.');
    try {
      const { payload } = await jwtVerify(token, getKeys(), { ...base, ...extra });
      return payload as Claims;
    } catch (error) {
      throw verificationError(error);
    }
  }

  return {
    async verifyIdToken(token, checks = {}) {
      const claims = await verify(token, { audience: options.clientId, requiredClaims: ['exp', 'iat'] });
      checkTokenUse(claims, 'id');
      // OIDC Core 3.1.3.7: with several audiences, azp must name this client.
      if (Array.isArray(claims.aud) && claims.aud.length > 1 && claims['azp'] !== options.clientId) {
        throw fail('The ID token has several audiences and azp is not this client.');
      }
      if (checks.nonce !== undefined && claims['nonce'] !== checks.nonce) throw fail('The ID token\'s nonce does not match.');
      return claims;
    },
    async verifyAccessToken(token) {
      const claims = await verify(token, {});
      checkTokenUse(claims, 'access');
      // Cognito access tokens carry no aud; RFC 9068 access tokens carry client_id too.
      if (claims['client_id'] !== options.clientId) throw fail('The access token was not issued to this client.');
      return claims;
    },
  };
}
