import type { SessionEvents } from '../api.js';
import { TokenVaultError, toTokenVaultError, type ErrorCode } from '../errors.js';
import { createEmitter, type Emitter } from '../events.js';
import type { SessionPorts } from '../ports.js';
import type { Provider } from '../providers/types.js';
import { snapshotOf, type SessionSnapshot } from '../snapshot.js';
import { steadyClock } from '../time/clock.js';
import { createDeadlineTimer, type DeadlineTimer } from '../time/deadline-timer.js';
import { redactTokens } from '../redact.js';
import { nextRefreshAt } from '../time/policy.js';
import type { TokenSet } from '../tokens.js';
import { initialState, type SessionState } from './state.js';

/** One typed event, as `[type, payload]`. */
export type Announcement = { [K in keyof SessionEvents]: [K, SessionEvents[K]] }[keyof SessionEvents];

/** What the parts of a session share: its state, its clock, its events and its ports. */
export interface SessionCore {
  readonly name: string;
  readonly provider: Provider;
  readonly ports: SessionPorts;
  /** This tab's clock: the device's wall clock, kept from running backwards while the page is open. */
  readonly now: () => number;
  readonly events: Emitter<SessionEvents & { change: undefined }>;
  readonly timer: DeadlineTimer;
  state(): SessionState;
  snapshot(): SessionSnapshot;
  /**
   * Moves to `next`, then emits `announcements` in order, then tells `subscribe` listeners if
   * the snapshot changed: event listeners already see the new snapshot, and what they count is
   * current when the subscribers render.
   */
  commit(next: SessionState, ...announcements: Announcement[]): void;
  /** When `tokens` fall due, jitter included. */
  refreshAt(tokens: TokenSet): number;
  /** How far this tab's clock runs ahead of the device's wall clock (see `shiftTimes`). */
  clockOffset(): number;
  /** Emits `error`, wrapping anything that is not a TokenVaultError as `fallback`. */
  reportError(error: unknown, fallback?: ErrorCode): void;
  /**
   * A provider's error with no piece of any token this session holds in its message (providers
   * echo what they were sent). A message that needed it loses its `cause`, which may say the same.
   */
  redact(error: TokenVaultError): TokenVaultError;
  /** Aborted whenever the tokens are replaced from outside a refresh (sign-in, sign-out, another tab, dispose). */
  epoch(): AbortSignal;
  /** Aborts the current epoch (the refresh in flight, older work that may no longer land) and starts a new one. */
  newEpoch(): AbortSignal;
  /** Ends the session's life: the epoch aborted for good, the timer and every listener gone. */
  close(): void;
}

/** Creates the shared core; `onDue` runs when the refresh deadline passes. */
export function createCore(name: string, provider: Provider, ports: SessionPorts, refreshBefore: number, onDue: () => void): SessionCore {
  const now = steadyClock(ports.now);
  const events = createEmitter<SessionEvents & { change: undefined }>();
  let state = initialState;
  let snapshot = snapshotOf(state.status, undefined, 0);
  let epoch = new AbortController();
  let closed = false;
  const timer = createDeadlineTimer(now, onDue, ports.wake);

  return {
    name,
    provider,
    ports,
    now,
    events,
    timer,
    state: () => state,
    snapshot: () => snapshot,
    commit(next, ...announcements) {
      const before = state;
      const changed = next.status !== before.status || next.tokens !== before.tokens || next.refreshAt !== before.refreshAt;
      state = next;
      if (changed) snapshot = snapshotOf(next.status, next.tokens, next.refreshAt);
      for (const [type, payload] of announcements) events.emit(type, payload as never);
      if (changed) events.emit('change', undefined);
    },
    refreshAt: (tokens) => nextRefreshAt(tokens.receivedAt, tokens.expiresAt, refreshBefore, ports.random),
    clockOffset: () => now() - ports.now(),
    reportError: (error, fallback = 'storage_unavailable') =>
      events.emit('error', { error: toTokenVaultError(error, fallback, 'The session storage failed.') }),
    redact(error) {
      const held = state.tokens;
      const message = held ? redactTokens(error.message, [held.accessToken, held.idToken, held.refreshToken]) : error.message;
      if (message === error.message) return error;
      const { status, providerCode, retryAfter } = error;
      return new TokenVaultError(error.code, message, { status, providerCode, retryAfter });
    },
    epoch: () => epoch.signal,
    newEpoch() {
      epoch.abort();
      if (!closed) epoch = new AbortController();
      return epoch.signal;
    },
    close() {
      closed = true;
      epoch.abort();
      timer.dispose();
      events.clear();
    },
  };
}
