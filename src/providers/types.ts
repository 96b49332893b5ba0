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
}

/** The `fetch` signature tokenvault needs; inject one in tests or to add headers. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;
