// The DPoP half of an `oauth2({ dpop: true })` provider (RFC 9449), in a chunk of its own that
// oauth2() imports on first use: the core build carries none of it.
import { TokenVaultError } from '../errors.js';
import type { DpopSigner, FetchLike, ProviderContext } from '../providers/types.js';
import { keepPendingKey, takePendingKey } from './pending-key.js';
import { generateKeyPair, signProof, thumbprint, type DpopKeyPair } from './proof.js';

/** The session slot that holds the key pair (src/session/sync.ts keeps and shares it, and deletes it on sign-out). */
const SLOT = 'dpop';

/** What oauth2() and the PKCE sign-in use, beyond the public signer. */
export interface DpopRuntime extends DpopSigner {
  /** `fetch` for the provider's own endpoints: adds a proof, and retries once on a `use_dpop_nonce` refusal. */
  fetch: FetchLike;
  /** Makes the key of a new sign-in, keeps it with the sign-in under `state`, and returns its thumbprint (`dpop_jkt`). */
  beginSignIn(state: string): Promise<string>;
  /**
   * Runs the code exchange of sign-in `state` with the key it began with, and makes that key the
   * session's once the exchange succeeded (a failed one leaves a signed-in session's key alone).
   */
  completeSignIn<T>(state: string, exchange: () => Promise<T>): Promise<T>;
}

const isKeyPair = (value: unknown): value is DpopKeyPair => {
  const keys = value as Partial<DpopKeyPair> | undefined;
  return keys?.privateKey instanceof CryptoKey && keys.publicKey instanceof CryptoKey;
};

/** `htu` (RFC 9449 §4.2): the URL without query and fragment. */
const targetOf = (url: string): URL => {
  const target = new URL(url);
  target.search = target.hash = '';
  return target;
};

/** Whether a 401 says `WWW-Authenticate: DPoP error="use_dpop_nonce"` (RFC 9449 §9). */
const asksForNonce = (response: Response): boolean =>
  response.status == 401 && /^\s*DPoP\b[^]*error="?use_dpop_nonce/i.test(response.headers.get('WWW-Authenticate') ?? '');

/** Whether a token endpoint's 400 says `{"error":"use_dpop_nonce"}` (RFC 9449 §8). */
async function refusedForNonce(response: Response): Promise<boolean> {
  if (response.status != 400) return false;
  const body = (await response.clone().json().catch(() => undefined)) as { error?: unknown } | undefined;
  return body?.error === 'use_dpop_nonce';
}

/** Creates the DPoP signer of one provider; `context` is the session it was attached to. */
export function createDpop(fetchImpl: FetchLike | undefined, context: () => ProviderContext | undefined): DpopRuntime {
  // The newest nonce each origin gave (RFC 9449 §8.2): the provider's and each resource server's.
  const nonces = new Map<string, string>();
  // The key of a code exchange under way: the token endpoint's requests meanwhile are proven with it.
  let exchangeKeys: DpopKeyPair | undefined;

  function slots(): ProviderContext['slots'] {
    const attached = context();
    if (!attached) throw new TokenVaultError('invalid_config', 'oauth2({ dpop: true }): pass the provider to createSession() first.');
    return attached.slots;
  }

  /** The session's key pair; undefined when signed out (the slot is deleted with the session). */
  const sessionKeys = async (): Promise<DpopKeyPair | undefined> => {
    const keys = await context()?.slots.get(SLOT);
    return isKeyPair(keys) ? keys : undefined;
  };

  const sign = (keys: DpopKeyPair, method: string, url: string, accessToken?: string): Promise<string> => {
    const htu = targetOf(url);
    return signProof(keys, { htm: method.toUpperCase(), htu: htu.href, nonce: nonces.get(htu.origin), accessToken });
  };

  async function proof(method: string, url: string, accessToken?: string): Promise<string> {
    slots();
    const keys = await sessionKeys();
    if (!keys) throw new TokenVaultError('not_signed_in', 'There is no DPoP key: sign in first.');
    return sign(keys, method, url, accessToken);
  }

  function retryWithNonce(url: string, response: Response): boolean {
    const nonce = response.headers.get('DPoP-Nonce');
    if (nonce === null) return false;
    nonces.set(new URL(url).origin, nonce);
    return asksForNonce(response);
  }

  /**
   * Without a key (signed out already, as `signOut({ revoke: true })` is when it revokes) the
   * request goes without a proof and the provider decides; a thrown error here would read as `network`.
   */
  async function providerFetch(url: string, init: RequestInit): Promise<Response> {
    const keys = exchangeKeys ?? (await sessionKeys().catch(() => undefined));
    const send = async (): Promise<Response> => {
      const headers = { ...(init.headers as Record<string, string>), ...(keys && { DPoP: await sign(keys, 'POST', url) }) };
      return (fetchImpl ?? globalThis.fetch)(url, { ...init, headers });
    };
    const response = await send();
    const retry = retryWithNonce(url, response) || (response.headers.has('DPoP-Nonce') && (await refusedForNonce(response)));
    return keys && retry ? send() : response;
  }

  return {
    proof,
    retryWithNonce,
    fetch: providerFetch,
    async beginSignIn(state) {
      try {
        const keys = await generateKeyPair();
        await keepPendingKey(state, keys);
        return await thumbprint(keys);
      } catch (cause) {
        // No WebCrypto (an insecure context) or no IndexedDB: there is nowhere to keep the key.
        throw new TokenVaultError('storage_unavailable', 'WebCrypto or IndexedDB did not make and keep the DPoP key of the sign-in.', { cause });
      }
    },
    async completeSignIn(state, exchange) {
      const sessionSlots = slots();
      const keys = await takePendingKey(state).catch(() => undefined);
      if (!keys) throw new TokenVaultError('invalid_state', 'The DPoP key of this sign-in is gone (expired, or storage was cleared).');
      exchangeKeys = keys;
      try {
        const result = await exchange();
        await sessionSlots.set(SLOT, keys);
        return result;
      } finally {
        exchangeKeys = undefined;
      }
    },
  };
}
