import { TokenVaultError } from '../errors.js';
import type { LockPort, SessionPorts } from '../ports.js';
import { createSerial } from '../serial.js';

/** How long to wait for another tab's refresh before giving up with `lock_timeout`. */
export const LOCK_WAIT_TIMEOUT = 40_000;
/** Without Web Locks: how long a tab that claims the lock listens for rival claims before it goes ahead. */
export const CLAIM_WINDOW = 100;
/** Without Web Locks: a claim never released (its tab crashed or froze) stops counting after this long. */
export const CLAIM_LEASE = 35_000;

/** The lock traffic tabs exchange on the channel when there are no Web Locks. */
export type ClaimMessage = { kind: 'claim'; id: string; at: number } | { kind: 'release'; id: string };

/** The refresh lock of one session name, held by one tab of the origin at a time. */
export interface TabLock {
  /** Runs `task` while holding the lock. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Hears another tab's claim or release (only used without Web Locks). */
  hear(message: ClaimMessage): void;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const lockTimeout = (cause?: unknown): TokenVaultError =>
  new TokenVaultError('lock_timeout', 'Another tab held the refresh lock for too long.', { cause });

/**
 * Creates the lock `name`: a Web Lock where there are Web Locks; otherwise claims posted with
 * `post` on the tabs' channel (no channel: this tab's own refreshes still run one at a time).
 */
export function createTabLock(name: string, ports: SessionPorts, post: ((message: ClaimMessage) => void) | undefined): TabLock {
  const { locks, random } = ports;
  // Lock waits and leases are real time between tabs, not the session's token clock (which tests move).
  const now = Date.now;
  const localLock = createSerial();
  // Without Web Locks: other tabs' live claims on the lock, by id: when they claimed, when we heard.
  const rivals = new Map<string, [at: number, heard: number]>();

  // Tabs take turns by claiming the lock on the channel: a tab claims, listens for a moment,
  // and yields to an earlier claim. Best effort: it relies on messages arriving within
  // CLAIM_WINDOW, which Web Locks do not need.
  async function claimOnChannel<T>(send: (message: ClaimMessage) => void, task: () => Promise<T>): Promise<T> {
    const giveUpAt = now() + LOCK_WAIT_TIMEOUT;
    const id = `${random()}`;
    const earlierRival = (at: number): boolean => {
      for (const [rivalId, [claimed, heard]] of rivals) {
        if (now() - heard > CLAIM_LEASE) rivals.delete(rivalId);
        else if (claimed < at || (claimed === at && rivalId < id)) return true;
      }
      return false;
    };
    for (;;) {
      while (earlierRival(Infinity)) {
        if (now() > giveUpAt) throw lockTimeout();
        await pause(CLAIM_WINDOW);
      }
      const at = now();
      send({ kind: 'claim', id, at });
      await pause(CLAIM_WINDOW);
      if (!earlierRival(at)) break;
      send({ kind: 'release', id });
    }
    try {
      return await task();
    } finally {
      send({ kind: 'release', id });
    }
  }

  async function withWebLock<T>(manager: LockPort, task: () => Promise<T>): Promise<T> {
    // Waiting is abortable and bounded: a tab that hangs holding the lock cannot hang this one.
    const wait = new AbortController();
    const timer = setTimeout(() => wait.abort(), LOCK_WAIT_TIMEOUT);
    try {
      // Exclusive, the default mode.
      return await manager.request(name, { signal: wait.signal }, () => {
        clearTimeout(timer);
        return task();
      });
    } catch (error) {
      throw wait.signal.aborted && !(error instanceof TokenVaultError) ? lockTimeout(error) : error;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    run: (task) => (locks ? withWebLock(locks, task) : localLock(() => (post ? claimOnChannel(post, task) : task()))),
    hear(message) {
      if (message.kind === 'claim') rivals.set(message.id, [message.at, now()]);
      else rivals.delete(message.id);
    },
  };
}
