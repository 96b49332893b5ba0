import { promisifyRequest } from 'idb-keyval';
import { TokenVaultError, toTokenVaultError } from './errors.js';
import type { StoragePort } from './ports.js';
import { isStoredSession, type StoredSession } from './record.js';
import { createSerial } from './serial.js';
import type { SharedSession, Tabs } from './tabs/tabs.js';
import { orAfter } from './time/race.js';

/**
 * Where a session keeps what outlives the page: the sealed record, and named slots next to it
 * (keys that must stay `CryptoKey`s, such as a DPoP key pair). Every failure is a TokenVaultError.
 */
export interface Vault {
  /** Opens the sealed session; a record that does not open is deleted and `record_tampered` thrown. */
  read(): Promise<StoredSession | undefined>;
  /** Seals and writes; writes land in call order. */
  write(session: StoredSession): Promise<void>;
  /** Deletes record, key and every slot; with `upTo`, only if the stored version is not newer. */
  clear(upTo?: number): Promise<void>;
  /** A named slot's value (structured-cloned, so a non-extractable key stays non-extractable). */
  readSlot(slot: string): Promise<unknown>;
  writeSlot(slot: string, value: unknown): Promise<void>;
}

/** Bumped when the sealed layout changes; part of the AAD, so old records fail to open rather than misread. */
const FORMAT_VERSION = 1;
// The IndexedDB database and object store tokenvault keeps to itself.
const DATABASE = 'tokenvault';
const STORE = 'vault';
/** How long one storage operation may take; a database blocked by another tab must not hang the session. */
const STORAGE_TIMEOUT = 10_000;

/** Writes (a value) and deletes (undefined) by key, in one transaction. */
type Changes = Record<string, unknown>;

/**
 * Opens the IndexedDB vault of session `name`.
 *
 * The record is sealed with AES-GCM under a non-extractable key kept next to it; the AAD binds it to
 * the format version, the origin and `name`, so a record altered, truncated, or copied to another
 * origin or session name fails to open.
 */
export function indexedDbVault(name: string, { indexedDB, subtle, origin }: StoragePort): Vault {
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

  /** Runs `use` on the object store in one transaction; reconnects once if the connection went away. */
  async function withStore<T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => Promise<T>, retried = false): Promise<T> {
    const opening = (connection ??= openDatabase());
    let store: IDBObjectStore;
    try {
      const db = await opening;
      db.onclose = db.onversionchange = () => {
        db.close();
        if (connection === opening) connection = undefined;
      };
      store = db.transaction(STORE, mode).objectStore(STORE);
    } catch (error) {
      // Opening failed, or the connection closed under us (deleted database, upgrade): reconnect once.
      if (connection === opening) connection = undefined;
      if (retried) throw error;
      return withStore(mode, use, true);
    }
    return use(store);
  }

  const recordKey = `record:${name}`;
  const sealingKey = `key:${name}`;
  const slotKey = (slot: string): string => `slot:${name}:${slot}`;
  // Every slot of this session, and no other session's: `slot:<name>:` followed by anything.
  const allSlots = IDBKeyRange.bound(slotKey(''), `${slotKey('')}\uffff`);

  const get = (keys: string[]): Promise<unknown[]> =>
    withStore('readonly', (store) => Promise.all(keys.map((key) => promisifyRequest(store.get(key)))));
  /** Puts and deletes together, resolving once committed: another tab never sees one without the other. */
  const change = (changes: Changes, clearSlots = false): Promise<void> =>
    withStore('readwrite', (store) => {
      for (const [key, value] of Object.entries(changes)) value === undefined ? store.delete(key) : store.put(value, key);
      if (clearSlots) store.delete(allSlots);
      return promisifyRequest(store.transaction) as Promise<never>;
    });

  const additionalData = new TextEncoder().encode(`tokenvault|v${FORMAT_VERSION}|${origin}|${name}`);
  const clearAll = (): Promise<void> => change({ [recordKey]: undefined, [sealingKey]: undefined }, true);

  async function open(): Promise<StoredSession | undefined> {
    const [record, key] = await get([recordKey, sealingKey]);
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
    await clearAll().catch(() => undefined);
    throw new TokenVaultError('record_tampered', 'The stored session could not be opened and was discarded.');
  }

  async function seal(session: StoredSession): Promise<void> {
    const [stored] = await get([sealingKey]);
    // extractable: false — the raw key never leaves WebCrypto, not even to this script.
    const key =
      stored instanceof CryptoKey && stored.algorithm.name === 'AES-GCM'
        ? stored
        : await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, new TextEncoder().encode(JSON.stringify(session)));
    // Record and key go in together: a sign-out in another tab meanwhile cannot leave a
    // record behind whose key it deleted.
    await change({ [recordKey]: { v: FORMAT_VERSION, iv, data }, [sealingKey]: key });
  }

  const serial = createSerial();
  // An open that timed out and has not answered since: until it does, every call fails at once
  // rather than wait out the timeout again (a refresh holds the cross-tab lock meanwhile).
  let stalled: Promise<IDBDatabase> | undefined;
  // Each task gets its own time: one that hangs (an open that never answers) times out alone,
  // drops the connection it hung on, and lets the tasks behind it run.
  const queue = <T>(task: () => Promise<T>): Promise<T> =>
    serial(() =>
      stalled
        ? Promise.reject(new TokenVaultError('storage_unavailable', 'IndexedDB does not answer.'))
        : orAfter(task(), STORAGE_TIMEOUT, () => {
            const hung = connection;
            stalled = hung;
            connection = undefined;
            // Once it answers, the late connection is closed (it would block other tabs' upgrades).
            void hung
              ?.then((db) => db.close(), () => undefined)
              .finally(() => {
                if (stalled === hung) stalled = undefined;
              });
            throw new TokenVaultError('storage_unavailable', 'IndexedDB timed out.');
          }),
    ).catch((error: unknown) => {
      throw toTokenVaultError(error, 'storage_unavailable', 'IndexedDB failed.');
    });
  return {
    read: () => queue(open),
    write: (session) => queue(() => seal(session)),
    clear: (upTo) =>
      queue(async () => {
        // A newer record is another tab's sign-in since: not ours to delete.
        if (upTo === undefined || upTo >= ((await open().catch(() => undefined))?.version ?? upTo)) await clearAll();
      }),
    readSlot: (slot) => queue(async () => (await get([slotKey(slot)]))[0]),
    writeSlot: (slot, value) => queue(() => change({ [slotKey(slot)]: value })),
  };
}

/** A vault in this tab's memory that other tabs' sessions can be read from (`persist: 'memory'`). */
export interface MemoryVault extends Vault {
  /** This tab's slots, for the tab that asks. */
  readonly slots: Map<string, unknown>;
}

/**
 * `persist: 'memory'` (or storage that failed): nothing is written; a session is read by asking
 * the other open tabs, and slots live in this tab and arrive with what another tab shares.
 */
export function memoryVault(tabs: Tabs): MemoryVault {
  const slots = new Map<string, unknown>();
  // The first read always asks: that is how a new tab makes itself known to the others.
  let asked = false;
  return {
    slots,
    async read() {
      const ask = !asked || tabs.peersSeen;
      asked = true;
      const shared: SharedSession | undefined = ask ? await tabs.ask() : undefined;
      if (!shared) return undefined;
      for (const [slot, value] of Object.entries(Object(shared.slots))) if (!slots.has(slot)) slots.set(slot, value);
      return { version: shared.version, tokens: shared.tokens };
    },
    write: async () => {},
    clear: async () => slots.clear(),
    readSlot: async (slot) => slots.get(slot),
    writeSlot: async (slot, value) => void slots.set(slot, value),
  };
}
