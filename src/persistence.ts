import { TokenVaultError } from './errors.js';
import { indexedDbStore } from './store.js';
import type { TokenSet } from './tokens.js';
import { createVault, type Vault } from './vault.js';

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
  clear(): Promise<void>;
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

function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<StoredSession>;
  return typeof s.version === 'number' && isTokenSet(s.tokens);
}

/** Opens persistence in IndexedDB for session `name`; throws `storage_unavailable` when there is none. */
export function indexedDbPersistence(name: string): Persistence {
  let vault: Vault;
  try {
    if (globalThis.crypto?.subtle === undefined) throw new Error('WebCrypto is not available.');
    const origin = typeof location === 'undefined' ? 'null' : location.origin;
    vault = createVault(indexedDbStore(), name, origin);
  } catch (cause) {
    throw new TokenVaultError('storage_unavailable', 'IndexedDB or WebCrypto is unavailable; tokens stay in memory.', { cause });
  }
  let tail: Promise<unknown> = Promise.resolve();
  const queue = <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
  return {
    read: () =>
      queue(async () => {
        const value = await vault.open<unknown>();
        if (value === undefined || isStoredSession(value)) return value;
        await vault.clear().catch(() => undefined);
        throw new TokenVaultError('record_tampered', 'The stored session could not be opened and was discarded.');
      }),
    write: (session) => queue(() => vault.seal(session)),
    clear: () => queue(() => vault.clear()),
  };
}
