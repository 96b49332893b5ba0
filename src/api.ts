import type { TokenVaultError } from './errors.js';
import type { Provider } from './providers/types.js';
import type { SessionSnapshot } from './snapshot.js';
import type { TokenResponse } from './tokens.js';

/** Options of `createSession`. */
export interface SessionOptions {
  /** Scopes the stored record, the key, the lock and the channel. Default `'default'`. */
  name?: string;
  /** Where tokens are refreshed and revoked: `oauth2()`, `cognito()` or your own. */
  provider: Provider;
  /** `'indexeddb'` (default): sealed record survives reloads. `'memory'`: gone with the page. */
  persist?: 'indexeddb' | 'memory';
  /** Seconds before expiry to refresh (default 60; less for short-lived tokens). */
  refreshBefore?: number;
  /** The clock, in ms since the epoch. For tests; default `Date.now`. */
  now?: () => number;
}

/** Where an event came from: this tab's call, the provider's answer, or another tab. */
export type EventSource = 'local' | 'provider' | 'tab';

/** The events a session emits, with their payloads. */
export interface SessionEvents {
  signedIn: { source: 'local' | 'tab' };
  refreshed: { source: 'local' | 'tab'; expiresAt: number };
  rotated: { source: 'local' | 'tab' };
  revoked: { source: EventSource };
  expired: { expiresAt: number };
  signedOut: { source: EventSource };
  error: { error: TokenVaultError };
}

/** A live token session: the object apps and framework wrappers talk to. */
export interface Session {
  /** Resolves once the stored session is restored (or found absent); never rejects. */
  readonly ready: Promise<void>;
  /** Stores tokens after sign-in (OAuth 2.0 or Cognito response shape). */
  setTokens(response: TokenResponse): Promise<void>;
  /** Returns a fresh access token, refreshing first if it is due. */
  getAccessToken(): Promise<string>;
  /** The current state; the same object until something changes. */
  getSnapshot(): SessionSnapshot;
  /** Calls `listener` on every state change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Listens to one event type; returns the unsubscribe function. */
  on<K extends keyof SessionEvents>(type: K, listener: (event: SessionEvents[K]) => void): () => void;
  /** Refreshes now, whether due or not. */
  refresh(): Promise<void>;
  /** Revokes the refresh token at the provider, then signs out everywhere. */
  revoke(): Promise<void>;
  /** Signs out in every tab; with `{ revoke: true }` also revokes at the provider (best effort). */
  signOut(options?: { revoke?: boolean }): Promise<void>;
  /** Stops timers, listeners and the channel. The session is unusable afterwards. */
  dispose(): void;
}
