import type { TokenVaultError } from '../errors.js';
import type { SessionStatus } from '../snapshot.js';
import type { TokenSet } from '../tokens.js';

/** How the next refresh is paced after failures: the session's memory of a provider in trouble. */
export interface Pacing {
  /** Failed attempts in a row (a fresh token that is already due counts as one). */
  readonly failures: number;
  /** No refresh starts before this (ms on the tab's clock), except an explicit `refresh()`. */
  readonly notBefore: number;
  /** No refresh at all starts before this: the provider's `Retry-After`. */
  readonly retryAfterUntil: number;
  /** Why the last attempt failed; handed to callers while the pacing holds them back. */
  readonly lastError: TokenVaultError | undefined;
}

/** Everything a session knows, as one value; each change is one of the transitions below. */
export interface SessionState {
  readonly status: SessionStatus;
  readonly tokens: TokenSet | undefined;
  /** When the tokens fall due (ms on the tab's clock). */
  readonly refreshAt: number;
  /** The version of what this tab holds; a tab adopts another's session only if it is newer. */
  readonly version: number;
  readonly pacing: Pacing;
  /** `expired` was emitted for these tokens. */
  readonly expiredNoted: boolean;
}

const CALM: Pacing = { failures: 0, notBefore: 0, retryAfterUntil: 0, lastError: undefined };

export const initialState: SessionState = {
  status: 'loading',
  tokens: undefined,
  refreshAt: 0,
  version: 0,
  pacing: CALM,
  expiredNoted: false,
};

/** Restoring found nothing: loading → signedOut. */
export const loaded = (state: SessionState): SessionState =>
  state.status === 'loading' ? { ...state, status: state.tokens ? 'signedIn' : 'signedOut' } : state;

/** New tokens (sign-in, restore, another tab's refresh): → signedIn, pacing reset. */
export const holding = (state: SessionState, tokens: TokenSet, version: number, refreshAt: number, refreshing: boolean): SessionState => ({
  ...state,
  status: refreshing ? 'refreshing' : 'signedIn',
  tokens,
  version,
  refreshAt,
  pacing: { ...CALM, retryAfterUntil: state.pacing.retryAfterUntil },
  expiredNoted: false,
});

/** signedIn → refreshing. */
export const refreshStarted = (state: SessionState): SessionState => (state.tokens ? { ...state, status: 'refreshing' } : state);

/** refreshing → signedIn (whatever the outcome; the outcome is in tokens and pacing). */
export const refreshEnded = (state: SessionState): SessionState => (state.tokens ? { ...state, status: 'signedIn' } : state);

/** This tab's refresh brought new tokens: held, with the next attempt no earlier than `notBefore`. */
export const refreshed = (state: SessionState, tokens: TokenSet, version: number, refreshAt: number, notBefore: number): SessionState => ({
  ...holding(state, tokens, version, refreshAt, true),
  pacing: { ...CALM, notBefore, retryAfterUntil: state.pacing.retryAfterUntil },
});

/** An attempt failed for a passing reason: the next waits until `notBefore` (and `retryAfterUntil`). */
export const failed = (state: SessionState, error: TokenVaultError, notBefore: number, retryAfterUntil: number): SessionState => ({
  ...state,
  pacing: {
    failures: state.pacing.failures + 1,
    notBefore,
    retryAfterUntil: Math.max(retryAfterUntil, state.pacing.retryAfterUntil),
    lastError: error,
  },
});

/** The network came back: the backoff is forgiven, a `Retry-After` is not. */
export const forgiven = (state: SessionState): SessionState => ({ ...state, pacing: { ...CALM, retryAfterUntil: state.pacing.retryAfterUntil } });

/** `expired` has been told. */
export const expiryNoted = (state: SessionState): SessionState => ({ ...state, expiredNoted: true });

/** → signedOut, at `version`. */
export const signedOut = (state: SessionState, version: number): SessionState => ({
  ...initialState,
  status: 'signedOut',
  version: Math.max(version, state.version),
});
