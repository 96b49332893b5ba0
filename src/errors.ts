/**
 * Every failure tokenvault reports has one of these codes. They are part of
 * the public contract: apps switch on them, so a code is never renamed.
 */
export type ErrorCode =
  /** The provider refused the refresh token (expired, revoked, reused). Terminal. */
  | 'invalid_grant'
  /** The request never got an answer: offline, DNS, CORS, timeout. Retried. */
  | 'network'
  /** The provider answered 5xx or said it failed internally. Retried. */
  | 'server_error'
  /** The provider answered 429 or asked us to slow down. Retried. */
  | 'rate_limited'
  /** The provider answered with an error we do not treat specially. */
  | 'provider_error'
  /** The provider answered 2xx with a body that is not a usable token response. */
  | 'invalid_response'
  /** A token or token response is malformed, or a token is of the wrong kind. */
  | 'invalid_token'
  /** The call needs a signed-in session and there is none. */
  | 'not_signed_in'
  /** IndexedDB or WebCrypto is missing or failing; the session runs in memory. */
  | 'storage_unavailable'
  /** The persisted record could not be opened and was discarded. */
  | 'record_tampered'
  /** Another tab held the refresh lock for too long. */
  | 'lock_timeout'
  /** The sign-in redirect does not match what this tab started (state, verifier). */
  | 'invalid_state'
  /** The authorization server sent the user back with `error=`. */
  | 'authorization_error'
  /** The operation was abandoned: the session was signed out or disposed meanwhile. */
  | 'aborted'
  /** A token failed signature or claim verification. */
  | 'verification_failed'
  /** The options given to tokenvault are wrong. */
  | 'invalid_config';

/** Details a provider may attach; never a token. */
export interface ErrorDetails {
  /** HTTP status, when there was a response. */
  status?: number;
  /** The provider's own error name (`error` in OAuth 2.0, `__type` in Cognito). */
  providerCode?: string;
  /** Seconds the provider asked us to wait (`Retry-After`). */
  retryAfter?: number;
}

/** The one error type tokenvault throws or emits. */
export class TokenVaultError extends Error {
  override readonly name = 'TokenVaultError';
  declare readonly code: ErrorCode;
  declare readonly status?: number;
  declare readonly providerCode?: string;
  declare readonly retryAfter?: number;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails & { cause?: unknown }) {
    // Error() takes `cause` from the details; the other details become fields.
    super(message, details);
    Object.assign(this, details, { code });
  }

  /** Whether trying again later may succeed (network trouble, 5xx, 429). */
  get retryable(): boolean {
    return (['network', 'server_error', 'rate_limited', 'lock_timeout'] as ErrorCode[]).includes(this.code);
  }
}

/** Wraps anything thrown into a TokenVaultError, keeping it as `cause`. */
export function toTokenVaultError(error: unknown, fallback: ErrorCode, message: string): TokenVaultError {
  return error instanceof TokenVaultError ? error : new TokenVaultError(fallback, message, { cause: error });
}
