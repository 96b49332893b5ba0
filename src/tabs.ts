import { TokenVaultError } from './errors.js';

/**
 * What one tab tells the others. Only *that* something changed and its
 * version: the tokens stay in the sealed record, never on the channel.
 */
export type TabMessage =
  | { kind: 'updated'; version: number }
  | { kind: 'signedOut'; version: number }
  | { kind: 'revoked'; version: number };

/** Cross-tab coordination for one session name. */
export interface Tabs {
  /** Runs `task` while holding the session's refresh lock in every tab of this origin. */
  withLock<T>(task: () => Promise<T>): Promise<T>;
  /** Tells the other tabs that something changed. */
  announce(message: TabMessage): void;
  /** Whether the lock is a real Web Lock (false: best effort inside this tab only). */
  readonly shared: boolean;
  dispose(): void;
}

/** How long to wait for another tab's refresh before giving up with `lock_timeout`. */
export const LOCK_WAIT_TIMEOUT = 40_000;

function isTabMessage(value: unknown): value is TabMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Partial<TabMessage>;
  return (
    (m.kind === 'updated' || m.kind === 'signedOut' || m.kind === 'revoked') &&
    typeof m.version === 'number' &&
    Number.isFinite(m.version)
  );
}

/** Creates the coordination for session `name`; `onMessage` hears the other tabs. */
export function createTabs(name: string, onMessage: (message: TabMessage) => void): Tabs {
  const lockName = `tokenvault:${name}`;
  const locks = (typeof navigator === 'undefined' ? undefined : navigator.locks) ?? undefined;
  const channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(lockName);
  const listener = (event: MessageEvent): void => {
    if (isTabMessage(event.data)) onMessage(event.data);
  };
  channel?.addEventListener('message', listener);

  // Without Web Locks, this tab's own refreshes still run one at a time.
  let localTail: Promise<unknown> = Promise.resolve();

  return {
    shared: locks !== undefined && typeof locks.request === 'function',

    withLock<T>(task: () => Promise<T>): Promise<T> {
      if (locks === undefined || typeof locks.request !== 'function') {
        const run = localTail.then(task, task);
        localTail = run.catch(() => undefined);
        return run;
      }
      // Waiting is abortable and bounded: a tab that hangs holding the lock cannot hang this one.
      const wait = new AbortController();
      const timer = setTimeout(() => wait.abort(), LOCK_WAIT_TIMEOUT);
      return locks
        .request(lockName, { mode: 'exclusive', signal: wait.signal }, () => {
          clearTimeout(timer);
          return task();
        })
        .catch((error: unknown) => {
          if (wait.signal.aborted && !(error instanceof TokenVaultError)) {
            throw new TokenVaultError('lock_timeout', 'Another tab held the refresh lock for too long.', { cause: error });
          }
          throw error;
        })
        .finally(() => clearTimeout(timer)) as Promise<T>;
    },

    announce(message) {
      try {
        channel?.postMessage(message);
      } catch {
        // A closed channel only means no other tab hears us; the sealed record still tells them.
      }
    },

    dispose() {
      channel?.removeEventListener('message', listener);
      channel?.close();
    },
  };
}
