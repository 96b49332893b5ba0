import { TokenVaultError, toTokenVaultError } from '../errors.js';
import { orAfter, settlesWithin } from '../time/race.js';
import { WAKE_CHECK_INTERVAL } from '../time/deadline-timer.js';
import { backoffDelay, MIN_REFRESH_INTERVAL, RETRY_AFTER_CAP } from '../time/policy.js';
import { parseTokenResponse, type TokenSet } from '../tokens.js';
import type { SessionCore } from './core.js';
import { expiryNoted, failed, forgiven, refreshed, refreshEnded, refreshStarted } from './state.js';
import { refreshAnnouncements, type SessionSync } from './sync.js';

/**
 * When to refresh: when the token is due, now, or unless the access token has changed since the
 * caller was given it (an API answered 401 to `unless`: the first caller refreshes, the rest see
 * the new token and send nothing).
 */
export type RefreshPolicy = 'due' | 'now' | { readonly unless: string };

/** The one way a session refreshes: single flight, paced, one tab at a time. */
export interface Refresher {
  /** Refreshes by `policy`, joining a refresh under way; rejects with the reason it could not. */
  refresh(policy: RefreshPolicy): Promise<void>;
  /** A token that works: the one held while it is fresh, else a refreshed one. */
  accessToken(): Promise<string>;
  /** The timer's refresh: never rejects, and while offline waits for the network. */
  background(): Promise<void>;
  /** The network is back: the backoff is forgiven and a due refresh runs. */
  online(): void;
}

/** How long a provider's refresh() may take in all, whatever it does with the abort signal. */
const PROVIDER_TIMEOUT = 40_000;
/** A token with less than this left is not handed out while a refresh is still under way. */
const MIN_VALIDITY = 5_000;

const notSignedIn = (): TokenVaultError => new TokenVaultError('not_signed_in', 'Not signed in.');
const noop = (): void => {};

/** Creates the refresher of a session. */
export function createRefresher(core: SessionCore, sync: SessionSync): Refresher {
  let inflight: Promise<void> | undefined;

  function refresh(policy: RefreshPolicy): Promise<void> {
    if (inflight) return inflight;
    const state = core.state();
    if (!state.tokens) return Promise.reject(notSignedIn());
    try {
      if (!wanted(core, policy, state.tokens) || !paced(core, policy)) return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
    inflight = run(core, sync, policy).finally(() => {
      inflight = undefined;
      core.commit(refreshEnded(core.state()));
    });
    core.commit(refreshStarted(state));
    return inflight;
  }

  return {
    refresh,
    accessToken: () => accessToken(core, refresh),
    background: () => background(core, refresh),
    online() {
      core.commit(forgiven(core.state()));
      if (isDue(core)) void background(core, refresh);
    },
  };
}

const isDue = (core: SessionCore): boolean => !!core.state().tokens && core.now() >= core.state().refreshAt;

const wanted = (core: SessionCore, policy: RefreshPolicy, tokens: TokenSet): boolean =>
  policy === 'now' || (policy === 'due' ? isDue(core) : tokens.accessToken === policy.unless);

function noteExpiry(core: SessionCore): void {
  const state = core.state();
  if (state.tokens && core.now() >= state.tokens.expiresAt && !state.expiredNoted) {
    core.commit(expiryNoted(state), ['expired', { expiresAt: state.tokens.expiresAt }]);
  }
}

/** Whether pacing lets an attempt start now. Held back by a failure: throws why; by the floor: false. */
function paced(core: SessionCore, policy: RefreshPolicy): boolean {
  const { pacing } = core.state();
  const until = Math.max(pacing.retryAfterUntil, policy === 'now' ? 0 : pacing.notBefore);
  if (core.now() >= until) return true;
  // The timer tries again when the pacing lets it.
  core.timer.schedule(until);
  if (pacing.lastError) throw pacing.lastError;
  return false;
}

/** Records a failed attempt: the next one waits (backoff, Retry-After), and the timer is set for it. */
function fail(core: SessionCore, error: TokenVaultError): void {
  const state = core.state();
  const now = core.now();
  const retryAfter = Math.min((error.retryAfter ?? 0) * 1000, RETRY_AFTER_CAP);
  const notBefore = now + backoffDelay(state.pacing.failures, core.ports.random, retryAfter);
  core.commit(failed(state, error, notBefore, retryAfter && now + retryAfter));
  core.timer.schedule(notBefore);
}

async function run(core: SessionCore, sync: SessionSync, policy: RefreshPolicy): Promise<void> {
  const signal = core.epoch();
  try {
    await sync.withLock(() => exchange(core, sync, policy, signal));
  } catch (error) {
    const failure = core.redact(toTokenVaultError(error, 'provider_error', 'Refresh failed.'));
    if (signal.aborted) throw failure;
    // A provider that keeps answering with unusable tokens is told once per run of such answers.
    if (failure.code !== 'invalid_response' || core.state().pacing.lastError?.code !== 'invalid_response') core.reportError(failure);
    if (failure.code === 'invalid_grant') {
      await sync.end('provider', true);
    } else if (core.state().tokens) {
      // Only the provider's final word ends a session; anything else is retried, spaced out.
      noteExpiry(core);
      fail(core, failure);
    }
    throw failure;
  }
}

/** Under the lock: catches up with the other tabs, then asks the provider if still wanted. */
async function exchange(core: SessionCore, sync: SessionSync, policy: RefreshPolicy, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  // Another tab may have refreshed while we waited for the lock: its tokens are adopted (a new
  // epoch), and nothing is sent.
  await sync.catchUp();
  const previous = core.state().tokens;
  if (signal.aborted || !previous || !wanted(core, policy, previous)) return;
  if (!previous.refreshToken) throw new TokenVaultError('not_signed_in', 'No refresh token; sign in again.');
  // The built-in providers time out after 30 s; a custom one that never settles must not keep the
  // session refreshing (and the lock held) for ever either.
  const response = await orAfter(core.provider.refresh(previous.refreshToken, { signal }), PROVIDER_TIMEOUT, () => {
    throw new TokenVaultError('network', 'The provider did not answer the refresh in time.');
  });
  if (signal.aborted) throw new TokenVaultError('aborted', 'Refresh overtaken by a sign-in, sign-out or other tab.');
  const next = usableAnswer(response, core.now(), previous);
  const before = core.state();
  const refreshAt = core.refreshAt(next);
  const floor = next.receivedAt + MIN_REFRESH_INTERVAL;
  // Held first, sealed after: a sign-out from another tab that lands while sealing ends it cleanly.
  core.commit(refreshed(before, next, sync.nextVersion(), refreshAt, floor), ...refreshAnnouncements('local', previous, next));
  core.timer.schedule(next.refreshToken ? Math.max(refreshAt, floor) : next.expiresAt);
  const dueOnArrival = refreshAt < floor;
  if (dueOnArrival) {
    // Tokens that are due as they arrive would have us ask again at once, forever: paced like a
    // failure instead, and told once per run of them.
    const error = new TokenVaultError('invalid_response', 'The provider sent tokens that are already due.');
    if (before.pacing.lastError?.code !== 'invalid_response') core.reportError(error);
    core.commit({ ...core.state(), pacing: before.pacing });
    fail(core, error);
  }
  await sync.publish(next, previous);
  if (!dueOnArrival && core.state().tokens === next && core.now() >= next.expiresAt) {
    fail(core, new TokenVaultError('storage_unavailable', 'The refreshed token expired while it was being stored.'));
  }
}

/** The provider's refresh answer as tokens; an answer that is no usable token response is `invalid_response`. */
function usableAnswer(response: unknown, receivedAt: number, previous: TokenSet): TokenSet {
  try {
    return parseTokenResponse(response, receivedAt, previous);
  } catch (cause) {
    // Our own message, which names what is wrong and never a value.
    throw new TokenVaultError('invalid_response', `The refresh answer is not usable: ${(cause as Error).message}`, { cause });
  }
}

/** A token that works, refreshing first when it is due; never an expired one. */
async function accessToken(core: SessionCore, refresh: (policy: RefreshPolicy) => Promise<void>): Promise<string> {
  // Looks again when a refresh was overtaken by setTokens() or another tab.
  for (let attempt = 0; attempt < 3; attempt++) {
    const held = core.state().tokens;
    if (!held) break;
    if (!isDue(core)) return held.accessToken;
    try {
      // A due token that still works is not held hostage by a slow provider or a hung lock.
      if (!(await settlesWithin(refresh('due'), held.expiresAt - core.now() - MIN_VALIDITY))) return held.accessToken;
    } catch (error) {
      const code = (error as TokenVaultError).code;
      if (code === 'aborted') continue;
      // A refresh that failed for a passing reason still leaves a token that works until it expires.
      const current = core.state().tokens;
      if (current && core.now() < current.expiresAt && code !== 'invalid_grant') return current.accessToken;
      throw error;
    }
    // Never an expired token, not even one that expired while it was being sealed.
    const current = core.state().tokens;
    if (current && core.now() < current.expiresAt) return current.accessToken;
  }
  throw core.state().tokens ? (core.state().pacing.lastError ?? notSignedIn()) : notSignedIn();
}

/** The timer's refresh: never rejects, and while offline waits for the network. */
async function background(core: SessionCore, refresh: (policy: RefreshPolicy) => Promise<void>): Promise<void> {
  const { tokens } = core.state();
  if (!tokens) return;
  if (!tokens.refreshToken) return noteExpiry(core);
  const now = core.now();
  if (core.ports.network?.isOnline() === false) {
    // Offline: no request storm. The `online` event re-checks; meanwhile wake up at expiry to say so.
    noteExpiry(core);
    core.timer.schedule(tokens.expiresAt > now ? tokens.expiresAt : now + WAKE_CHECK_INTERVAL);
    return;
  }
  await refresh('due').catch(noop);
}
