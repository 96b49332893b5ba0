import type { WakeSignals } from './time/deadline-timer.js';

/** One tab's line to the other tabs of its origin (a BroadcastChannel in browsers). */
export interface TabChannel {
  post(message: unknown): void;
  /** Calls `listener` with each message another tab posts. */
  listen(listener: (message: unknown) => void): void;
  close(): void;
}

/** What the sealed record needs: IndexedDB, WebCrypto and the origin the record is bound to. */
export interface StoragePort {
  readonly indexedDB: IDBFactory;
  readonly subtle: SubtleCrypto;
  readonly origin: string;
}

/** Web Locks, as far as the session uses them (exclusive mode, abortable waits). */
export interface LockPort {
  request<T>(name: string, options: { signal?: AbortSignal }, task: () => Promise<T>): Promise<T>;
}

/** The network, as the page sees it. */
export interface NetworkPort {
  isOnline(): boolean;
  /** Calls `listener` when the network comes back; returns the unsubscribe. */
  onOnline(listener: () => void): () => void;
}

/**
 * The browser as a session uses it. Every part can be replaced (tests, hosts other
 * than a browser); a part that is `undefined` is absent, and the session does without it.
 * The provider's network calls go through the provider's own `fetch` option.
 */
export interface SessionPorts {
  /** The device's wall clock, in ms since the epoch. */
  now: () => number;
  /** Random numbers in [0, 1), for jitter and tab ids. */
  random: () => number;
  /** Where the sealed record lives; absent: in memory only. */
  storage: StoragePort | undefined;
  /** Web Locks; absent: tabs take turns on the channel instead. */
  locks: LockPort | undefined;
  /** Opens the channel to the other tabs; absent: no other tab hears of this one. */
  channel: ((name: string) => TabChannel) | undefined;
  /** When the page may have slept; absent: no background refresh (tokens are refreshed when asked for). */
  wake: WakeSignals | undefined;
  /** Online and offline; absent: always online. */
  network: NetworkPort | undefined;
  /** What `session.fetch` sends with (not the provider's calls); absent: the global `fetch` of the moment. */
  fetch: ((input: RequestInfo | URL, init?: RequestInit) => Promise<Response>) | undefined;
}

/** Subscribes `listener` to events of `types` on `target`; returns the unsubscribe. */
function listen(target: EventTarget, types: string[], listener: () => void): () => void {
  for (const type of types) target.addEventListener(type, listener);
  return () => {
    for (const type of types) target.removeEventListener(type, listener);
  };
}

/**
 * The browser's own parts, read from the globals of the moment. Outside a browser (server
 * rendering, Node) only the clock and random numbers are there: a session then opens no
 * channel, adds no listener, starts no timer and keeps no handle, and shares nothing with
 * other sessions in the same process (Node's global BroadcastChannel would connect them all).
 */
export function browserPorts(): SessionPorts {
  const ports: SessionPorts = {
    now: Date.now,
    random: Math.random,
    storage: undefined,
    locks: undefined,
    channel: undefined,
    wake: undefined,
    network: undefined,
    fetch: undefined,
  };
  const { window, document } = globalThis;
  if (typeof window !== 'object' || typeof document !== 'object' || !window || !document) return ports;

  const { indexedDB, crypto, navigator, location, BroadcastChannel } = globalThis;
  if (indexedDB && crypto?.subtle) ports.storage = { indexedDB, subtle: crypto.subtle, origin: location?.origin ?? 'null' };
  // Some browsers (and test setups) define navigator.locks as null.
  if (typeof navigator?.locks?.request === 'function') ports.locks = navigator.locks;
  if (typeof BroadcastChannel === 'function') {
    ports.channel = (name) => {
      const channel = new BroadcastChannel(name);
      return {
        post: (message) => channel.postMessage(message),
        listen: (listener) => (channel.onmessage = ({ data }) => listener(data)),
        close: () => channel.close(),
      };
    };
  }
  ports.wake = (listener) => {
    const fromWindow = listen(window, ['online', 'pageshow', 'focus'], listener);
    const fromDocument = listen(document, ['visibilitychange'], listener);
    return () => (fromWindow(), fromDocument());
  };
  ports.network = {
    isOnline: () => navigator?.onLine !== false,
    onOnline: (listener) => listen(window, ['online'], listener),
  };
  return ports;
}
