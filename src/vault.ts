import { promisifyRequest } from 'idb-keyval';
import { TokenVaultError, toTokenVaultError } from './errors.js';
import { orAfter } from './scheduler.js';
import { createSerial } from './serial.js';
import type { Tabs } from './tabs.js';
import type { TokenSet } from './tokens.js';

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

/** Whether a decrypted record or a tab's answer has the shape of a stored session. */
export function isStoredSession(value: unknown): value is StoredSession {
  const s = value as { version?: unknown; tokens?: Record<string, unknown> } | undefined;
  const t = s?.tokens;
  return (
    typeof s?.version === 'number' &&
    typeof t?.['expiresAt'] === 'number' &&
    typeof t['receivedAt'] === 'number' &&
    typeof t['accessToken'] === 'string' &&
    typeof t['tokenType'] === 'string' &&
    [t['idToken'], t['refreshToken'], t['scope']].every((v) => v === undefined || typeof v === 'string')
  );
}

/** Bumped when the sealed layout changes; part of the AAD, so old records fail to open rather than misread. */
const FORMAT_VERSION = 1;
// The IndexedDB database and object store tokenvault keeps to itself.
const DATABASE = 'tokenvault';
const STORE = 'vault';
/** How long one storage operation may take; a database blocked by another tab must not hang the session. */
const STORAGE_TIMEOUT = 10_000;

/**
 * Opens persistence in IndexedDB for session `name`; throws `storage_unavailable` when there is none.
 *
 * The record is sealed with AES-GCM under a non-extractable key kept next to it; the AAD binds it to
 * the format version, this origin and `name`, so a record altered, truncated, or copied to another
 * origin or session name fails to open.
 */
export function indexedDbPersistence(name: string): Persistence {
  const subtle = globalThis.crypto?.subtle;
  if (!globalThis.indexedDB || !subtle) {
    throw new TokenVaultError('storage_unavailable', 'IndexedDB or WebCrypto is unavailable.');
  }

  // The connection (idb-keyval's `createStore`, made to survive other tabs and the user) opens on
  // first use, steps aside when another connection wants to upgrade or delete the database (instead
  // of blocking it), reopens on next use, and recreates its object store when the database was
  // deleted or upgraded without it.
  let connection: Promise<IDBDatabase> | undefined;
  const openDatabase = (version?: number): Promise<IDBDatabase> => {
    const request = indexedDB.open(DATABASE, version);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
    };
    return promisifyRequest(request).then((db) => {
      if (db.objectStoreNames.contains(STORE)) return db;
      db.close();
      return openDatabase(db.version + 1);
    });
  };
  /**
   * One transaction: without `values` it reads `keys`; with them it writes each key's value, or
   * deletes the key where there is no value, and resolves once committed. Record and key
   * always go through one transaction together, so another tab never sees one without the other.
   */
  const transact = async (keys: readonly string[], values?: readonly unknown[], retried?: boolean): Promise<unknown[]> => {
    const opening = (connection ??= openDatabase());
    const forget = (): void => {
      if (connection === opening) connection = undefined;
    };
    let store: IDBObjectStore;
    try {
      const db = await opening;
      db.onclose = db.onversionchange = () => {
        db.close();
        forget();
      };
      store = db.transaction(STORE, values && 'readwrite').objectStore(STORE);
    } catch (error) {
      // Opening failed, or the connection closed under us (deleted database, upgrade): reconnect once.
      forget();
      if (retried) throw error;
      return transact(keys, values, true);
    }
    if (!values) return Promise.all(keys.map((key) => promisifyRequest(store.get(key))));
    keys.forEach((key, i) => (values[i] ? store.put(values[i], key) : store.delete(key)));
    // Written: nobody reads what a write resolves to.
    return promisifyRequest(store.transaction) as Promise<never>;
  };

  const keys = [`record:${name}`, `key:${name}`];
  const additionalData = new TextEncoder().encode(
    `tokenvault|v${FORMAT_VERSION}|${globalThis.location?.origin ?? 'null'}|${name}`,
  );
  const clear = () => transact(keys, []);

  async function open(): Promise<StoredSession | undefined> {
    const [record, key] = await transact(keys);
    if (record === undefined) return undefined;
    try {
      // Stored as { v, iv, data }: only the IV and the ciphertext, nothing secret.
      const { v, iv, data } = record as { v: unknown; iv: BufferSource; data: BufferSource };
      // Any bad key, IV or data makes decrypt() throw; only the version needs checking by hand.
      if (v === FORMAT_VERSION) {
        const plain = await subtle.decrypt({ name: 'AES-GCM', iv, additionalData }, key as CryptoKey, data);
        const session: unknown = JSON.parse(new TextDecoder().decode(plain));
        if (isStoredSession(session)) return session;
      }
    } catch {
      // Falls through: every way a record fails to open ends the same, so there is no oracle.
    }
    // The record is unusable already; failing to delete it changes nothing for the user.
    await clear().catch(() => undefined);
    throw new TokenVaultError('record_tampered', 'The stored session could not be opened and was discarded.');
  }

  async function seal(value: StoredSession): Promise<void> {
    const [stored] = await transact(keys.slice(1));
    // extractable: false — the raw key never leaves WebCrypto, not even to this script.
    const key =
      stored instanceof CryptoKey && stored.algorithm.name === 'AES-GCM'
        ? stored
        : await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, new TextEncoder().encode(JSON.stringify(value)));
    // Record and key go in together: a sign-out in another tab meanwhile cannot leave a
    // record behind whose key it deleted.
    await transact(keys, [{ v: FORMAT_VERSION, iv, data }, key]);
  }

  const serial = createSerial();
  const queue = <T>(task: () => Promise<T>): Promise<T> =>
    orAfter(serial(task), STORAGE_TIMEOUT, () => {
      throw new TokenVaultError('storage_unavailable', 'IndexedDB timed out.');
    }).catch((error: unknown) => {
      throw toTokenVaultError(error, 'storage_unavailable', 'IndexedDB failed.');
    });
  return {
    read: () => queue(open),
    write: (session) => queue(() => seal(session)),
    clear: (upTo) =>
      queue(async () => {
        // A newer record is another tab's sign-in since: not ours to delete.
        if (upTo === undefined || upTo >= ((await open().catch(() => undefined))?.version ?? upTo)) await clear();
      }),
  };
}

/** `persist: 'memory'`: nothing is written; a session is read by asking the other open tabs. */
export function peerPersistence(tabs: Tabs): Persistence {
  return {
    read: async () => (tabs.peersSeen ? tabs.ask() : undefined),
    write: async () => {},
    clear: async () => {},
  };
}
