// A DPoP proof (RFC 9449 §4.2) is a compact JWS signed with ES256. WebCrypto's ECDSA signature is
// already the raw r||s that JWS wants (RFC 7518 §3.4), so a few lines do what a JWT library would.

/** A DPoP key pair: the private key is non-extractable; the public one is always exportable. */
export type DpopKeyPair = CryptoKeyPair;

const ES256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const encoder = new TextEncoder();

/** base64url without padding (RFC 7515 §2). */
export const base64Url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

const encodeJson = (value: object): string => base64Url(encoder.encode(JSON.stringify(value)));
const sha256 = async (text: string): Promise<string> =>
  base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text))));

/** A fresh P-256 key pair whose private key never leaves WebCrypto (extractable: false). */
export const generateKeyPair = (): Promise<DpopKeyPair> => crypto.subtle.generateKey(ES256, false, ['sign', 'verify']);

/** The public key as a JWK with the required members only, in the order RFC 7638 hashes them. */
async function publicJwk({ publicKey }: DpopKeyPair): Promise<{ crv: string; kty: string; x: string; y: string }> {
  const { crv, kty, x, y } = await crypto.subtle.exportKey('jwk', publicKey);
  return { crv: crv!, kty: kty!, x: x!, y: y! };
}

/** The key's JWK SHA-256 thumbprint (RFC 7638): `dpop_jkt`, and the `cnf.jkt` of bound tokens. */
export const thumbprint = async (keys: DpopKeyPair): Promise<string> => sha256(JSON.stringify(await publicJwk(keys)));

/** What one proof says about its request. */
export interface ProofClaims {
  htm: string;
  htu: string;
  nonce?: string | undefined;
  accessToken?: string | undefined;
}

/** Signs a proof for one request: `htu` must already be without query and fragment. */
export async function signProof(keys: DpopKeyPair, { htm, htu, nonce, accessToken }: ProofClaims): Promise<string> {
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: await publicJwk(keys) };
  const payload = {
    htm,
    htu,
    iat: Math.floor(Date.now() / 1000),
    jti: base64Url(crypto.getRandomValues(new Uint8Array(16))),
    ...(nonce !== undefined && { nonce }),
    ...(accessToken !== undefined && { ath: await sha256(accessToken) }),
  };
  const input = `${encodeJson(header)}.${encodeJson(payload)}`;
  const signature = await crypto.subtle.sign(ES256, keys.privateKey, encoder.encode(input));
  return `${input}.${base64Url(new Uint8Array(signature))}`;
}
