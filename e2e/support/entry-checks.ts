// The Node side of e2e/fixtures/entry-checks.js: the input the checks get, and what they must return.
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

/** The issuer and client the tokens are for, the public JWKS, and the tokens by what is wrong with them. */
export interface SignedTokens {
  issuer: string;
  clientId: string;
  jwks: { keys: JWK[] };
  tokens: { good: string; badSignature: string; expired: string; wrongAudience: string };
}

const ISSUER = 'https://id.example.test';
const CLIENT_ID = 'entry-check-client';
const KID = 'entry-check-key';

/** Signs the four ID tokens with a fresh RS256 key pair (the bad signature with a second pair under the same kid). */
export async function signedTokens(): Promise<SignedTokens> {
  const signer = await generateKeyPair('RS256', { extractable: true });
  const impostor = await generateKeyPair('RS256');
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: ISSUER, aud: CLIENT_ID, sub: 'alice', iat: now, exp: now + 3600 };
  const sign = (payload: JWTPayload, key = signer.privateKey): Promise<string> =>
    new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: KID }).sign(key);
  return {
    issuer: ISSUER,
    clientId: CLIENT_ID,
    jwks: { keys: [{ ...(await exportJWK(signer.publicKey)), kid: KID, alg: 'RS256', use: 'sig' }] },
    tokens: {
      good: await sign(claims),
      badSignature: await sign(claims, impostor.privateKey),
      // An hour past exp, far beyond the verifier's 30 s tolerance.
      expired: await sign({ ...claims, iat: now - 7200, exp: now - 3600 }),
      wrongAudience: await sign({ ...claims, aud: 'another-client' }),
    },
  };
}

const refusal = (code: string) => ({ ok: false, isTokenVaultError: true, name: 'TokenVaultError', code });

/** What each entry's check returns, wherever the entry was loaded (entry names as in entries.mjs). */
export const EXPECTED: Record<string, unknown> = {
  // A memory session signs in with a token response, and refuses one without an access token.
  tokenvault: { accepted: { ok: true, value: 'signedIn' }, refused: refusal('invalid_token') },
  // The good token gives its subject; each bad one is a TokenVaultError, never a TypeError from inside jose.
  verify: {
    good: { ok: true, value: 'alice' },
    badSignature: refusal('verification_failed'),
    expired: refusal('verification_failed'),
    wrongAudience: refusal('verification_failed'),
  },
};
