import { TokenVaultError } from './errors.js';
import { orAfter } from './scheduler.js';
import { createSerial } from './serial.js';
import { indexedDbStore } from './store.js';
import type { Tabs } from './tabs.js';
import type { TokenSet } from './tokens.js';
import { createVault, recordTampered, type Vault } from './vault.js';

/** What the sealed record holds: the token set and the version that orders writes across tabs. */
export interface StoredSession {
  version: number;
  tokens: TokenSet;
}

/** The session's view of its sealed record; every failure comes back as a TokenVaultError. */
export interface Persistence {
  read(): Promise<StoredSession | undefined>;
  /** Writes in call order; a later write never lands before an earlier one. */
  write(session: StoredSession): Promise<void>;
  /** Deletes record and key; with `upTo`, only if the stored version is not newer than that. */
  clear(upTo?: number): Promise<void>;
}

function isTokenSet(value: unknown): value is TokenSet {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  const optional = (key: string): boolean => t[key] === undefined || typeof t[key] === 'string';
  return (
    typeof t['accessToken'] === 'string' &&
    typeof t['tokenType'] === 'string' &&
    typeof t['expiresAt'] === 'number' &&
    typeof t['receivedAt'] === 'number' &&
    optional('idToken') &&
    optional('refreshToken') &&
    optional('scope')
  );
}

/** Whether a decrypted record or a tab's answer has the shape of a stored session. */
export function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<StoredSession>;
  return typeof s.version === 'number' && isTokenSet(s.tokens);
}

/** How long one storage operation may take; a database blocked by another tab must not hang the session. */
export const STORAGE_TIMEOUT = 10_000;

/** Opens persistence in IndexedDB for session `name`; throws `storage_unavailable` when there is none. */
export function indexedDbPersistence(name: string): Persistence {
  let vault: Vault;
  try {
    const origin = typeof location === 'undefined' ? 'null' : location.origin;
    vault = createVault(indexedDbStore(), name, origin);
  } catch (cause) {
    throw new TokenVaultError('storage_unavailable', 'IndexedDB or WebCrypto is unavailable; tokens stay in memory.', { cause });
  }
  const serial = createSerial();
  const queue = <T>(task: () => Promise<T>): Promise<T> =>
    orAfter(serial(task), STORAGE_TIMEOUT, () =>
      Promise.reject(new TokenVaultError('storage_unavailable', 'IndexedDB timed out (blocked by another tab?).')),
    );
  return {
    read: () =>
      queue(async () => {
        const value = await vault.open<unknown>();
        if (value === undefined || isStoredSession(value)) return value;
        await vault.clear().catch(() => undefined);
        throw recordTampered();
      }),
    write: (session) => queue(() => vault.seal(session)),
    clear: (upTo) =>
      queue(async () => {
        if (upTo !== undefined) {
          // A newer record is another tab's sign-in since: not ours to delete.
          const current = await vault.open<unknown>().catch(() => undefined);
          if (isStoredSession(current) && current.version > upTo) return;
        }
        await vault.clear();
      }),
  };
}

/** `persist: 'memory'`: nothing is written; a session is read by asking the other open tabs. */
export function peerPersistence(tabs: Tabs): Persistence {
  return {
    read: () => (tabs.peersSeen ? tabs.ask() : Promise.resolve(undefined)),
    write: async () => {},
    clear: async () => {},
  };
}
