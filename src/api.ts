import type { TokenVaultError } from './errors.js';
import type { SessionPorts } from './ports.js';
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
  /** The device's clock, in ms since the epoch (default `Date.now`); shorthand for `ports.now`. */
  now?: () => number;
  /**
   * Origins (`https://api.example.com`, `scheme://host[:port]`) besides the page's own that
   * `session.fetch` sends the access token to; every other origin gets requests without it.
   */
  origins?: readonly string[];
  /** The browser parts the session uses (storage, locks, channel, clock …), for tests and other hosts. */
  ports?: Partial<SessionPorts>;
}

/** Where an event came from: this tab's call, the provider's answer, or another tab. */
export type EventOrigin = 'local' | 'provider' | 'tab';

/** The events a session emits, with their payloads. */
export interface SessionEvents {
  signedIn: { source: 'local' | 'tab' };
  refreshed: { source: 'local' | 'tab'; expiresAt: number };
  rotated: { source: 'local' | 'tab' };
  revoked: { source: EventOrigin };
  expired: { expiresAt: number };
  signedOut: { source: EventOrigin };
  error: { error: TokenVaultError };
}

/** The name of an event: `signedIn`, `refreshed`, `rotated`, `revoked`, `expired`, `signedOut` or `error`. */
export type SessionEventType = keyof SessionEvents;

/** Any one event with its `type`, for code that handles them all in one place (a log, a reducer). */
export type SessionEvent = { [K in SessionEventType]: { readonly type: K } & SessionEvents[K] }[SessionEventType];

/** A listener for each event type an app cares about, each typed for its event. */
export type SessionEventHandlers = { [K in SessionEventType]?: (event: SessionEvents[K]) => void };

/** Options of `session.refresh()`. */
export interface RefreshOptions {
  /**
   * Refresh only if the access token is still this one. For API clients: when several requests
   * are refused at once, the first refresh runs and the others find a new token and send nothing.
   */
  unless?: string;
}

/**
 * A live token session: the object apps and framework wrappers talk to.
 * `TClaims` declares the app's own claims (`createSession<{ tenant: string }>(…)`).
 */
export interface Session<TClaims extends object = object> {
  /** Resolves once the stored session is restored (or found absent); never rejects. */
  readonly ready: Promise<void>;
  /** Stores tokens after sign-in (OAuth 2.0 or Cognito response shape). */
  setTokens(response: TokenResponse): Promise<void>;
  /** Returns a fresh access token, refreshing first if it is due. */
  getAccessToken(): Promise<string>;
  /** The current state; the same object until something changes. */
  getSnapshot(): SessionSnapshot<TClaims>;
  /** The snapshot a server render and hydration use: frozen, status `loading`, always the same object. */
  getServerSnapshot(): SessionSnapshot<TClaims>;
  /** Calls `listener` on every state change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Listens to one event type; returns the unsubscribe function. */
  on<K extends keyof SessionEvents>(type: K, listener: (event: SessionEvents[K]) => void): () => void;
  /** Refreshes now, whether due or not; with `unless`, only if the access token has not changed meanwhile. */
  refresh(options?: RefreshOptions): Promise<void>;
  /** Revokes the refresh token at the provider, then signs out everywhere. */
  revoke(): Promise<void>;
  /** Signs out in every tab; with `{ revoke: true }` also revokes at the provider (best effort). */
  signOut(options?: { revoke?: boolean }): Promise<void>;
  /**
   * `fetch` with the access token: `Authorization: Bearer …` (or `DPoP …` with its proof) on requests
   * to the allowed origins only; a 401 `invalid_token` refreshes once and retries once.
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** Stops timers, listeners and the channel. The session is unusable afterwards. */
  dispose(): void;
}
