import { createStore, del, get, set, type UseStore } from 'idb-keyval';

/** Where sealed records and keys rest. Values are structured-cloneable (CryptoKey included). */
export interface RecordStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
}

/** The IndexedDB database and object store tokenvault keeps to itself. */
export const DATABASE_NAME = 'tokenvault';
export const STORE_NAME = 'vault';

/** A store in IndexedDB, through idb-keyval; throws if IndexedDB is missing. */
export function indexedDbStore(): RecordStore {
  if (typeof indexedDB === 'undefined' || indexedDB === null) {
    throw new Error('IndexedDB is not available in this context.');
  }
  let useStore: UseStore | undefined;
  // Opened lazily so a store that is never used never opens the database.
  const store = (): UseStore => (useStore ??= createStore(DATABASE_NAME, STORE_NAME));
  return {
    get: (key) => get(key, store()),
    set: (key, value) => set(key, value, store()),
    del: (key) => del(key, store()),
  };
}

/** A store in this page's memory; what `persist: 'memory'` uses and what we fall back to. */
export function memoryStore(): RecordStore {
  const values = new Map<string, unknown>();
  return {
    get: async <T>(key: string) => values.get(key) as T | undefined,
    set: async (key, value) => {
      values.set(key, value);
    },
    del: async (key) => {
      values.delete(key);
    },
  };
}
