import { TokenVaultError } from './errors.js';
import { isStoredSession, type StoredSession } from './vault.js';
import { createSerial } from './serial.js';

/**
 * What one tab tells the others: *that* something changed, and its version.
 * Tokens stay in the sealed record. The one exception is `share`, the answer
 * to an `ask` from a new tab when the session lives in memory only.
 */
export type TabMessage =
  | { kind: 'updated' | 'signedOut' | 'revoked'; version: number }
  | { kind: 'ask' | 'release'; id: string }
  | { kind: 'claim'; id: string; at: number }
  | { kind: 'share'; id: string; session: StoredSession };

/** Cross-tab coordination for one session name. */
export interface Tabs {
  /** Runs `task` while holding the session's refresh lock in every tab of this origin. */
  withLock<T>(task: () => Promise<T>): Promise<T>;
  /** Tells the other tabs that something changed. */
  announce(message: TabMessage): void;
  /** Asks the other tabs for the session they hold in memory; the newest answer wins. */
  ask(): Promise<StoredSession | undefined>;
  /** Whether another tab has made itself heard; new tabs always ask when they start. */
  readonly peersSeen: boolean;
  dispose(): void;
}

/** How long to wait for another tab's refresh before giving up with `lock_timeout`. */
export const LOCK_WAIT_TIMEOUT = 40_000;
/** How long a new tab waits for open tabs to answer `ask`. */
export const ASK_WINDOW = 150;
/** Without Web Locks: how long a tab that claims the lock listens for rival claims before it goes ahead. */
export const CLAIM_WINDOW = 100;
/** Without Web Locks: a claim never released (its tab crashed or froze) stops counting after this long. */
export const CLAIM_LEASE = 35_000;

/**
 * Creates the coordination for session `name`. `onMessage` hears the other
 * tabs; `answer` is what this tab shares when asked (undefined: nothing).
 */
export function createTabs(
  name: string,
  onMessage: (message: TabMessage) => void,
  answer: () => StoredSession | undefined,
): Tabs {
  const lockName = `tokenvault:${name}`;
  const locks = globalThis.navigator?.locks;
  const channel: BroadcastChannel | undefined = globalThis.BroadcastChannel && new BroadcastChannel(lockName);
  const asking = new Map<string, StoredSession[]>();
  // Without any other tab around, asking would only wait; tabs make themselves known by asking on start.
  let peersSeen = false;
  // Without Web Locks: other tabs' live claims on the lock, by id: when they claimed, when we heard.
  const rivals = new Map<string, [at: number, heard: number]>();

  const post = (message: TabMessage): void => {
    try {
      channel?.postMessage(message);
    } catch {
      // A closed channel only means no other tab hears us; the sealed record still tells them.
    }
  };
  // Same-origin, but not necessarily this version of tokenvault: every field is checked before use.
  if (channel) {
    channel.onmessage = ({ data }: MessageEvent): void => {
      const { kind, id, version, at, session } = (data ?? {}) as Record<string, unknown>;
      if (typeof kind !== 'string') return;
      peersSeen = true;
      if ((kind === 'updated' || kind === 'signedOut' || kind === 'revoked') && Number.isFinite(version)) {
        onMessage({ kind, version: version as number });
      } else if (typeof id === 'string') {
        if (kind === 'ask') {
          const shared = answer();
          if (shared) post({ kind: 'share', id, session: shared });
        } else if (kind === 'share') {
          if (isStoredSession(session)) asking.get(id)?.push(session);
        } else if (kind === 'claim') {
          if (Number.isFinite(at)) rivals.set(id, [at as number, Date.now()]);
        } else if (kind === 'release') {
          rivals.delete(id);
        }
      }
    };
  }

  // Without Web Locks, this tab's own refreshes still run one at a time...
  const localLock = createSerial();
  const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  const newId = (): string => `${Math.random()}`;
  const lockTimeout = (cause?: unknown): TokenVaultError =>
    new TokenVaultError('lock_timeout', 'Another tab held the refresh lock for too long.', { cause });

  // ...and tabs take turns by claiming the lock on the channel: a tab claims, listens for a
  // moment, and yields to an earlier claim. Best effort: it relies on messages arriving
  // within CLAIM_WINDOW, which Web Locks do not need.
  async function channelLock<T>(task: () => Promise<T>): Promise<T> {
    const giveUpAt = Date.now() + LOCK_WAIT_TIMEOUT;
    const id = newId();
    const earlierRival = (at: number): boolean => {
      for (const [rivalId, [claimed, heard]] of rivals) {
        if (Date.now() - heard > CLAIM_LEASE) rivals.delete(rivalId);
        else if (claimed < at || (claimed === at && rivalId < id)) return true;
      }
      return false;
    };
    for (;;) {
      while (earlierRival(Infinity)) {
        if (Date.now() > giveUpAt) throw lockTimeout();
        await pause(CLAIM_WINDOW);
      }
      const at = Date.now();
      post({ kind: 'claim', id, at });
      await pause(CLAIM_WINDOW);
      if (!earlierRival(at)) break;
      post({ kind: 'release', id });
    }
    try {
      return await task();
    } finally {
      post({ kind: 'release', id });
    }
  }

  return {
    async withLock<T>(task: () => Promise<T>): Promise<T> {
      if (!locks?.request) return localLock(() => (channel ? channelLock(task) : task()));
      // Waiting is abortable and bounded: a tab that hangs holding the lock cannot hang this one.
      const wait = new AbortController();
      const timer = setTimeout(() => wait.abort(), LOCK_WAIT_TIMEOUT);
      try {
        // Exclusive, the default mode.
        return await locks.request(lockName, { signal: wait.signal }, () => {
          clearTimeout(timer);
          return task();
        });
      } catch (error) {
        throw wait.signal.aborted && !(error instanceof TokenVaultError) ? lockTimeout(error) : error;
      } finally {
        clearTimeout(timer);
      }
    },

    announce: post,

    async ask() {
      if (!channel) return;
      const id = newId();
      const shared: StoredSession[] = [];
      asking.set(id, shared);
      post({ kind: 'ask', id });
      await pause(ASK_WINDOW);
      asking.delete(id);
      return shared.sort((a, b) => b.version - a.version)[0];
    },

    get peersSeen() {
      return peersSeen;
    },

    // A closed channel delivers nothing more, not even messages already on their way.
    dispose: () => channel?.close(),
  };
}
