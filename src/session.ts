import type { EventSource, Session, SessionEvents, SessionOptions } from './api.js';
import { TokenVaultError, toTokenVaultError } from './errors.js';
import { createEmitter } from './events.js';
import { indexedDbPersistence, peerPersistence, type Persistence, type StoredSession } from './vault.js';
import { backoffDelay, createDeadlineTimer, nextRefreshAt, settlesWithin, steadyClock, WAKE_CHECK_INTERVAL } from './scheduler.js';
import { identityOf, snapshotOf, type SessionStatus } from './snapshot.js';
import { createTabs, type TabMessage } from './tabs.js';
import { parseTokenResponse, type TokenSet } from './tokens.js';

/** A token with less than this left is not handed out while a refresh is still under way. */
const MIN_VALIDITY = 5_000;

/** Creates a token session; see the README for the lifecycle. */
export function createSession(options: SessionOptions): Session {
  const provider = options?.provider;
  if (typeof provider?.refresh !== 'function') {
    throw new TokenVaultError('invalid_config', 'createSession(): provider.refresh() is missing.');
  }
  const name = options.name ?? 'default';
  const inMemory = options.persist === 'memory';
  const refreshBefore = (options.refreshBefore ?? 60) * 1000;
  if (!(refreshBefore >= 0)) throw new TokenVaultError('invalid_config', 'createSession(): refreshBefore must be ≥ 0.');
  const now = options.now ?? steadyClock();

  // `change` is what `subscribe()` hears: every new snapshot.
  const events = createEmitter<SessionEvents & { change: void }>();
  let tokens: TokenSet | undefined;
  let refreshAt = 0;
  // Orders writes across tabs: a tab adopts a stored session only if its version is newer.
  // A per-tab fraction keeps two tabs that write in the same millisecond apart.
  let version = 0;
  const tabFraction = Math.random();
  // In memory (by choice, or when storage failed), this tab answers other tabs that ask for the session.
  let sharesFromMemory = inMemory;
  let status: SessionStatus = 'loading';
  let snapshot = snapshotOf(status, undefined, 0);
  // Replaced whenever the token set is replaced from outside a refresh (sign-in, sign-out, another
  // tab, dispose): aborting it cancels the refresh in flight and tells older work it may no longer land.
  let epoch = new AbortController();
  let inflight: Promise<void> | undefined;
  let failures = 0;
  let expiredNotified = false;
  let disposed = false;

  // Persistence reports its own failures as TokenVaultErrors with the details; wrapping is a safety net.
  const emitError = (error: unknown): void =>
    events.emit('error', { error: toTokenVaultError(error, 'storage_unavailable', 'The session storage failed.') });
  const newEpoch = (): AbortSignal => {
    epoch.abort();
    return (epoch = new AbortController()).signal;
  };
  const isDue = (): boolean => !!tokens && now() >= refreshAt;
  const nextVersion = (): number => (version = Math.floor(Math.max(version, now())) + 1 + tabFraction);
  // Times that leave this tab (to disk or another tab) are on the device's wall clock. This tab's
  // clock runs ahead of it once the device clock was set back while the page was open (steadyClock),
  // and another tab's by another amount, so each converts on the way out and in.
  const clockOffset = (): number => (options.now ? 0 : now() - Date.now());
  const shifted = (set: TokenSet, by: number): TokenSet => ({ ...set, expiresAt: set.expiresAt + by, receivedAt: set.receivedAt + by });

  function setState(next: SessionStatus): void {
    status = next;
    snapshot = snapshotOf(status, tokens, refreshAt);
    events.emit('change', undefined);
  }

  const timer = createDeadlineTimer(now, () => void backgroundRefresh());
  const tabs = createTabs(name, onTabMessage, () =>
    sharesFromMemory && tokens ? { version, tokens: shifted(tokens, -clockOffset()) } : undefined,
  );
  let persistence: Persistence = peerPersistence(tabs);

  function adopt(next: TokenSet): void {
    tokens = next;
    refreshAt = nextRefreshAt(next.receivedAt, next.expiresAt, refreshBefore, Math.random);
    failures = 0;
    expiredNotified = false;
    timer.schedule(next.refreshToken ? refreshAt : next.expiresAt);
    setState(inflight ? 'refreshing' : 'signedIn');
  }

  function forget(): void {
    newEpoch();
    tokens = undefined;
    timer.cancel();
    setState('signedOut');
  }

  async function save(next: TokenSet): Promise<void> {
    try {
      await persistence.write({ version: nextVersion(), tokens: shifted(next, -clockOffset()) });
    } catch (error) {
      emitError(error);
    }
    // Signed out (here or by another tab) while sealing: take back what was just written,
    // unless a newer sign-in has been stored since.
    if (!tokens) await persistence.clear(version).catch(() => undefined);
  }

  async function readStored(): Promise<StoredSession | undefined> {
    try {
      return await persistence.read();
    } catch (error) {
      // The vault has discarded a record that failed to open. Tokens already in memory are still
      // trustworthy (nobody can forge a sealed record), so a running session goes on and re-seals.
      emitError(error);
      throw error;
    }
  }

  /** Takes what another tab stored if it is newer than what this tab holds. */
  function adoptStored(stored: StoredSession | undefined): void {
    if (!stored || stored.version <= version || disposed) return;
    const before = tokens;
    const after = shifted(stored.tokens, clockOffset());
    version = stored.version;
    newEpoch();
    adopt(after);
    // Another user's tokens are a sign-in, not a refresh.
    if (!before || identityOf(before).claims?.sub !== identityOf(after).claims?.sub) events.emit('signedIn', { source: 'tab' });
    else announceRefresh('tab', before, after);
  }

  function announceRefresh(source: 'local' | 'tab', before: TokenSet, after: TokenSet): void {
    if (before.refreshToken !== after.refreshToken) events.emit('rotated', { source });
    events.emit('refreshed', { source, expiresAt: after.expiresAt });
  }

  async function endSession(source: EventSource, revoked: boolean): Promise<void> {
    const hadTokens = !!tokens;
    forget();
    if (source !== 'tab') {
      const ended = nextVersion();
      await persistence.clear().catch(emitError);
      tabs.announce({ kind: revoked ? 'revoked' : 'signedOut', version: ended });
      // Another tab may be sealing a refresh under the lock right now: clear again once it is done.
      void tabs.withLock(() => persistence.clear(ended)).catch(() => undefined);
    }
    if (revoked) events.emit('revoked', { source });
    if (hadTokens || source === 'local') events.emit('signedOut', { source });
  }

  function noteExpiry(): void {
    if (tokens && now() >= tokens.expiresAt && !expiredNotified) {
      expiredNotified = true;
      events.emit('expired', { expiresAt: tokens.expiresAt });
    }
  }

  const overtaken = (): TokenVaultError =>
    new TokenVaultError('aborted', 'Refresh overtaken by a sign-in, sign-out or other tab.');

  async function exchange(force: boolean, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    // Another tab may have refreshed while we waited for the lock: its tokens are adopted (a new
    // epoch), and nothing is sent.
    adoptStored(await readStored().catch(() => undefined));
    if (signal.aborted || (!force && !isDue()) || !tokens) return;
    const previous = tokens;
    if (!previous.refreshToken) throw new TokenVaultError('not_signed_in', 'No refresh token; sign in again.');
    const response = await provider.refresh(previous.refreshToken, { signal });
    if (signal.aborted) throw overtaken();
    const next = parseTokenResponse(response, now(), previous);
    await save(next);
    if (signal.aborted) throw overtaken();
    adopt(next);
    tabs.announce({ kind: 'updated', version });
    announceRefresh('local', previous, next);
  }

  async function runRefresh(force: boolean): Promise<void> {
    const { signal } = epoch;
    try {
      await tabs.withLock(() => exchange(force, signal));
    } catch (error) {
      const failure = toTokenVaultError(error, 'provider_error', 'Refresh failed.');
      if (signal.aborted) throw failure;
      emitError(failure);
      if (failure.code === 'invalid_grant') {
        await endSession('provider', true);
      } else if (tokens) {
        // Only the provider's final word ends a session; anything else is retried, spaced out.
        noteExpiry();
        timer.schedule(now() + backoffDelay(failures++, Math.random, (failure.retryAfter ?? 0) * 1000));
      }
      throw failure;
    }
  }

  function refreshOnce(force: boolean): Promise<void> {
    if (!inflight) {
      inflight = runRefresh(force).finally(() => {
        inflight = undefined;
        if (!disposed && tokens) setState('signedIn');
      });
      if (tokens) setState('refreshing');
    }
    return inflight;
  }

  async function backgroundRefresh(): Promise<void> {
    if (!tokens || disposed) return;
    if (!tokens.refreshToken) return noteExpiry();
    if (globalThis.navigator?.onLine === false) {
      // Offline: no request storm. The `online` event re-checks; meanwhile wake up at expiry to say so.
      noteExpiry();
      timer.schedule(tokens.expiresAt > now() ? tokens.expiresAt : now() + WAKE_CHECK_INTERVAL);
      return;
    }
    await refreshOnce(false).catch(() => undefined);
  }

  const onOnline = (): void => {
    failures = 0;
    if (isDue()) void backgroundRefresh();
  };
  globalThis.addEventListener?.('online', onOnline);

  function onTabMessage(message: TabMessage): void {
    if (!('version' in message) || message.version <= version || disposed) return;
    if (message.kind === 'updated') {
      void readStored().then(adoptStored, () => undefined);
    } else {
      version = message.version;
      void endSession('tab', message.kind === 'revoked');
    }
  }

  const ready = (async () => {
    // Let the caller attach listeners first: what restoring finds is reported as events.
    await Promise.resolve();
    if (!inMemory) {
      try {
        persistence = indexedDbPersistence(name);
      } catch (error) {
        emitError(error);
        sharesFromMemory = true;
      }
    }
    let stored: StoredSession | undefined;
    try {
      stored = inMemory ? await tabs.ask() : await readStored();
    } catch (error) {
      // A record that failed to open is gone; the database still works. Anything else: memory.
      if ((error as TokenVaultError).code !== 'record_tampered') {
        persistence = peerPersistence(tabs);
        sharesFromMemory = true;
      }
    }
    if (stored && !disposed && !tokens) {
      version = stored.version;
      adopt(shifted(stored.tokens, clockOffset()));
    } else if (status === 'loading') {
      setState(tokens ? 'signedIn' : 'signedOut');
    }
  })();

  async function live(): Promise<void> {
    if (disposed) throw new TokenVaultError('aborted', 'Session disposed.');
    await ready;
  }

  /** Revokes at the provider when there is a refresh token and the provider can revoke. */
  async function revokeAtProvider(refreshToken: string | undefined): Promise<void> {
    if (refreshToken) await provider.revoke?.(refreshToken);
  }

  const notSignedIn = (): TokenVaultError => new TokenVaultError('not_signed_in', 'Not signed in.');

  return {
    ready,
    async setTokens(response) {
      await live();
      const next = parseTokenResponse(response, now());
      const mine = newEpoch();
      // Memory first: a sign-out from another tab that lands while this is being sealed ends it cleanly.
      adopt(next);
      events.emit('signedIn', { source: 'local' });
      await save(next);
      if (!mine.aborted) tabs.announce({ kind: 'updated', version });
    },
    async getAccessToken() {
      await live();
      // Looks again when a refresh was overtaken by setTokens() or another tab.
      for (let attempt = 0; attempt < 3 && tokens; attempt++) {
        if (!isDue()) return tokens.accessToken;
        const current = tokens;
        try {
          // A due token that still works is not held hostage by a slow provider or a hung lock.
          const left = current.expiresAt - now() - MIN_VALIDITY;
          if (!(await settlesWithin(refreshOnce(false), left))) return current.accessToken;
        } catch (error) {
          const code = (error as TokenVaultError).code;
          if (code === 'aborted') continue;
          // A refresh that failed for a passing reason still leaves a token that works until it expires.
          if (tokens && now() < tokens.expiresAt && code !== 'invalid_grant') return tokens.accessToken;
          throw error;
        }
        if (tokens) return tokens.accessToken;
      }
      throw notSignedIn();
    },
    getSnapshot: () => snapshot,
    subscribe: (listener) => events.on('change', listener),
    on: (type, listener) => events.on(type, listener),
    async refresh() {
      await live();
      if (!tokens) throw notSignedIn();
      await refreshOnce(true);
    },
    async revoke() {
      await live();
      await revokeAtProvider(tokens?.refreshToken);
      await endSession('local', true);
    },
    async signOut(signOutOptions) {
      await live();
      const refreshToken = tokens?.refreshToken;
      await endSession('local', false);
      if (signOutOptions?.revoke) {
        await revokeAtProvider(refreshToken).catch((error: unknown) => {
          emitError(toTokenVaultError(error, 'provider_error', 'Revocation at sign-out failed.'));
        });
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      epoch.abort();
      timer.dispose();
      tabs.dispose();
      globalThis.removeEventListener?.('online', onOnline);
      events.clear();
    },
  };
}
