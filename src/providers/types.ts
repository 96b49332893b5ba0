import type { TokenResponse } from '../tokens.js';

/** Per-call context a session hands to its provider. */
export interface ProviderCallOptions {
  /** Aborted when the session signs out or is disposed while the call runs. */
  signal?: AbortSignal | undefined;
}

/**
 * Where tokens come from and go back to. A custom provider is any object of
 * this shape; `refresh` throws a `TokenVaultError` (code `invalid_grant` when
 * the refresh token is dead, `network`/`server_error`/`rate_limited` when a
 * retry may help) and returns the provider's token response.
 */
export interface Provider {
  /** Exchanges a refresh token for fresh tokens. A response without a refresh token keeps the old one. */
  refresh(refreshToken: string, options?: ProviderCallOptions): Promise<TokenResponse>;
  /** Revokes the refresh token (and with it the grant) at the provider. */
  revoke?(refreshToken: string, options?: ProviderCallOptions): Promise<void>;
  /** Called once by `createSession()` with the session's key slots (for providers that bind keys, like DPoP). */
  attach?(context: ProviderContext): void;
  /** Present when the provider binds tokens to a key (DPoP, RFC 9449). */
  dpop?: DpopSigner;
}

export interface DpopSigner {
  /** A DPoP proof JWT for one request to `url` (`htu` without query/fragment); `accessToken` adds `ath`. Uses the newest nonce known for the URL's origin. */
  proof(method: string, url: string, accessToken?: string): Promise<string>;
  /** Reads a response of a request to `url`: remembers its `DPoP-Nonce` for that origin; true when it is a `use_dpop_nonce` refusal worth one retry with a new proof. */
  retryWithNonce(url: string, response: Response): boolean;
}

/** The `fetch` signature tokenvault needs; inject one in tests or to add headers. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Named values a provider keeps with the session (a DPoP key pair): stored next to the sealing
 * key by structured clone, so a non-extractable `CryptoKey` stays one; shared by the session's
 * tabs; deleted with the session on sign-out and revocation.
 */
export interface KeySlots {
  /** The slot's value, or undefined. */
  get(slot: string): Promise<unknown>;
  /** The slot's value, created (once for all tabs, under the refresh lock) when there is none. */
  getOrCreate<T>(slot: string, create: () => Promise<T>): Promise<T>;
}

/** What a session hands its provider when it is created. */
export interface ProviderContext {
  /** The session's name. */
  readonly name: string;
  readonly slots: KeySlots;
}
