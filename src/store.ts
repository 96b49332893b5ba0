import { promisifyRequest, type UseStore } from 'idb-keyval';

/**
 * Where sealed records and keys rest. Values are structured-cloneable (CryptoKey included).
 * Each call is one transaction, so a record and its key are read, written and deleted
 * together: another tab never sees one without the other.
 */
export interface RecordStore {
  get(keys: readonly string[]): Promise<unknown[]>;
  set(entries: ReadonlyArray<readonly [string, unknown]>): Promise<void>;
  del(keys: readonly string[]): Promise<void>;
}

/** The IndexedDB database and object store tokenvault keeps to itself. */
export const DATABASE_NAME = 'tokenvault';
export const STORE_NAME = 'vault';

/**
 * idb-keyval's `createStore`, made to survive other tabs and the user: it
 * steps aside when another connection wants to upgrade or delete the database
 * (instead of blocking it), reopens on next use, and recreates its object
 * store when the database was deleted or upgraded without it.
 */
function resilientStore(dbName: string, storeName: string): UseStore {
  let connection: Promise<IDBDatabase> | undefined;
  const open = (version?: number): Promise<IDBDatabase> => {
    const request = indexedDB.open(dbName, version);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(storeName)) request.result.createObjectStore(storeName);
    };
    return promisifyRequest(request).then((db) => {
      if (db.objectStoreNames.contains(storeName)) return db;
      db.close();
      return open(db.version + 1);
    });
  };
  const connect = (): Promise<IDBDatabase> => {
    if (connection !== undefined) return connection;
    const opening = open();
    const forget = (): void => {
      if (connection === opening) connection = undefined;
    };
    connection = opening;
    opening.then((db) => {
      db.onversionchange = () => {
        db.close();
        forget();
      };
      db.onclose = forget;
    }, forget);
    return opening;
  };
  return async (mode, callback) => {
    for (let attempt = 0; ; attempt++) {
      const db = await connect();
      let store: IDBObjectStore;
      try {
        store = db.transaction(storeName, mode).objectStore(storeName);
      } catch (error) {
        // The connection closed under us (deleted database, upgrade): reconnect once.
        if (attempt > 0) throw error;
        if (connection !== undefined && (await connection) === db) connection = undefined;
        continue;
      }
      return callback(store);
    }
  };
}

/**
 * A store in IndexedDB, through idb-keyval's store and request helpers; throws if IndexedDB is missing.
 * The three calls are idb-keyval's `getMany`/`setMany`/`delMany` bodies, written out because those
 * functions default their store argument to `defaultGetStore()`, which keeps idb-keyval's own
 * database code in every bundle even though a store is always passed here.
 */
export function indexedDbStore(): RecordStore {
  if (typeof indexedDB === 'undefined' || indexedDB === null) throw new Error('IndexedDB is not available.');
  let useStore: UseStore | undefined;
  // Opened lazily so a store that is never used never opens the database.
  const store: UseStore = (mode, callback) => (useStore ??= resilientStore(DATABASE_NAME, STORE_NAME))(mode, callback);
  const write = (change: (objects: IDBObjectStore) => void): Promise<void> =>
    store('readwrite', (objects) => {
      change(objects);
      return promisifyRequest(objects.transaction);
    });
  return {
    get: (keys) => store('readonly', (objects) => Promise.all(keys.map((key) => promisifyRequest(objects.get(key))))),
    set: (entries) => write((objects) => entries.forEach(([key, value]) => objects.put(value, key))),
    del: (keys) => write((objects) => keys.forEach((key) => objects.delete(key))),
  };
}
