import type { SessionPorts } from '../ports.js';
import { isStoredSession, type StoredSession } from '../record.js';
import { createTabLock, type ClaimMessage } from './lock.js';

/** What one tab tells the others: *that* something changed, and the version it is at. Never tokens. */
export interface TabNotice {
  readonly kind: 'updated' | 'signedOut' | 'revoked';
  readonly version: number;
}

/**
 * A session in memory, as one tab hands it to another that asked (`persist: 'memory'`, or
 * storage that failed): the only message that carries tokens, and only to a same-origin tab.
 * `slots` are the session's named keys (structured-cloned `CryptoKey`s, never bytes).
 */
export interface SharedSession extends StoredSession {
  readonly slots?: Readonly<Record<string, unknown>>;
}

/** Everything on the channel; asks, shares, claims and releases stay inside this module. */
type TabMessage = TabNotice | ClaimMessage | { kind: 'ask'; id: string } | { kind: 'share'; id: string; session: SharedSession };

/** Cross-tab coordination for one session name. */
export interface Tabs {
  /** Runs `task` while holding the session's refresh lock in every tab of this origin. */
  withLock<T>(task: () => Promise<T>): Promise<T>;
  /** Tells the other tabs that something changed. */
  announce(notice: TabNotice): void;
  /** Asks the other tabs for the session they hold in memory; the newest answer wins. */
  ask(): Promise<SharedSession | undefined>;
  /** Whether another tab has made itself heard; new tabs always ask when they start. */
  readonly peersSeen: boolean;
  dispose(): void;
}

/** How long a new tab waits for open tabs to answer `ask`. */
export const ASK_WINDOW = 150;

const NOTICES = ['updated', 'signedOut', 'revoked'];

/**
 * Creates the coordination for session `name`. `onNotice` hears the other tabs;
 * `answer` is what this tab shares when asked (undefined: nothing).
 */
export function createTabs(
  name: string,
  ports: SessionPorts,
  onNotice: (notice: TabNotice) => void,
  answer: () => SharedSession | undefined,
): Tabs {
  const channelName = `tokenvault:${name}`;
  const channel = ports.channel?.(channelName);
  const asking = new Map<string, SharedSession[]>();
  // Without any other tab around, asking would only wait; tabs make themselves known by asking on start.
  let peersSeen = false;

  const post = (message: TabMessage): void => {
    try {
      channel?.post(message);
    } catch {
      // A closed channel only means no other tab hears us; the sealed record still tells them.
    }
  };
  const lock = createTabLock(channelName, ports, channel && post);

  // Same-origin, but not necessarily this version of tokenvault: every field is checked before use.
  channel?.listen((data) => {
    const { kind, id, version, at, session } = (data ?? {}) as Record<string, unknown>;
    if (typeof kind !== 'string') return;
    peersSeen = true;
    if (NOTICES.includes(kind)) {
      if (Number.isFinite(version)) onNotice({ kind, version } as TabNotice);
    } else if (typeof id !== 'string') {
      return;
    } else if (kind === 'ask') {
      const shared = answer();
      if (shared) post({ kind: 'share', id, session: shared });
    } else if (kind === 'share') {
      if (isStoredSession(session)) asking.get(id)?.push(session);
    } else if (kind === 'claim') {
      if (Number.isFinite(at)) lock.hear({ kind, id, at: at as number });
    } else if (kind === 'release') {
      lock.hear({ kind, id });
    }
  });

  return {
    withLock: lock.run,
    announce: post,
    async ask() {
      if (!channel) return;
      const id = `${ports.random()}`;
      const shared: SharedSession[] = [];
      asking.set(id, shared);
      post({ kind: 'ask', id });
      await new Promise((resolve) => setTimeout(resolve, ASK_WINDOW));
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
